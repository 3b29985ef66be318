import { expectations } from './expectations.js';
import { simulatorTarget } from './simulator.js';
import { providerConformance } from './suite.js';

providerConformance(simulatorTarget('mux'), expectations.mux);
