/** Registers this folder's rule set(s) with the registry (imported once by rules/index.ts or the CLI). */
import { registerRuleset } from '../registry.js';
import { facturXRuleset } from './index.js';

registerRuleset(facturXRuleset);
