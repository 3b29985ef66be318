import { providerConformance } from './suite.js';

providerConformance('npm');
