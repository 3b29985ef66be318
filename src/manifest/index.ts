import { resolve } from 'node:path';
import type { ProviderDefinition } from '../providers/types.js';
import { manifestDefinition, type ManifestEnvironment } from './definition.js';
import { readManifest } from './load.js';

export { ManifestError } from './load.js';

/** The provider a manifest file describes; a relative path is from the working directory, and messages name it as given. */
export async function loadManifestProvider(
  path: string,
  environment: ManifestEnvironment,
): Promise<ProviderDefinition> {
  return manifestDefinition(await readManifest(resolve(path), path), environment);
}
