import { providerConformance } from './suite.js';

providerConformance('github-org');
