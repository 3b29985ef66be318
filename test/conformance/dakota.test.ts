import { dakota } from '../../src/providers/dakota.js';
import { providerConformance } from './suite.js';

providerConformance(dakota);
