import { providerConformance } from './suite.js';

providerConformance('dialnexa');
