import { expectations } from './expectations.js';
import { simulatorTarget } from './simulator.js';
import { prismConformance } from './suite.js';

prismConformance(simulatorTarget('launchdarkly'), expectations.launchdarkly);
