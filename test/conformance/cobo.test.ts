import { cobo } from '../../src/providers/cobo.js';
import { providerConformance } from './suite.js';

providerConformance(cobo);
