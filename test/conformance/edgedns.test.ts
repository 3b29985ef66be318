import { expectations } from './expectations.js';
import { simulatorTarget } from './simulator.js';
import { providerConformance } from './suite.js';

providerConformance(simulatorTarget('edgedns'), expectations.edgedns);
