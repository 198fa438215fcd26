/** Registers this folder's rule set(s) with the registry (imported once by rules/index.ts or the CLI). */
import { registerRuleset } from '../registry.js';
import { brFrRuleset, brFrWarningRuleset } from './index.js';

registerRuleset(brFrRuleset);
registerRuleset(brFrWarningRuleset);
