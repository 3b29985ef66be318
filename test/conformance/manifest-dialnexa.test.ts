import { manifestDefinition } from '../../src/manifest/definition.js';
import { readManifest } from '../../src/manifest/load.js';
import { providerConformance } from './suite.js';

providerConformance(manifestDefinition(await readManifest('manifests/dialnexa.json')), 'dialnexa');
