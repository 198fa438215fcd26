import { registerRuleset } from '../registry.js';
import { en16931Ruleset } from './index.js';

registerRuleset(en16931Ruleset);
