import { providerConformance } from './suite.js';

providerConformance('vercel');
