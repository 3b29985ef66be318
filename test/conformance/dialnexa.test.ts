import { dialnexa } from '../../src/providers/dialnexa.js';
import { providerConformance } from './suite.js';

providerConformance(dialnexa);
