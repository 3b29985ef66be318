import { providerConformance } from './suite.js';

providerConformance('cobo');
