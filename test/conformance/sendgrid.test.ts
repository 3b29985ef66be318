import { providerConformance } from './suite.js';

providerConformance('sendgrid');
