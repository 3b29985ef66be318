import { providerConformance } from './suite.js';

providerConformance('mux');
