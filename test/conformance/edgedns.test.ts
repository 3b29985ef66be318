import { providerConformance } from './suite.js';

providerConformance('edgedns');
