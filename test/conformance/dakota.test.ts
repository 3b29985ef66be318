import { providerConformance } from './suite.js';

providerConformance('dakota');
