import { providerConformance } from './suite.js';

providerConformance('twilio');
