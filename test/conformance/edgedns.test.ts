import { edgedns } from '../../src/providers/edgedns.js';
import { providerConformance } from './suite.js';

providerConformance(edgedns);
