import { providerConformance } from './suite.js';

providerConformance('launchdarkly');
