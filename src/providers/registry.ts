import { readFileSync } from 'node:fs';
import { manifestDefinition, type ManifestEnvironment } from '../manifest/definition.js';
import type { Manifest } from '../manifest/types.js';
import { builtinIds, manifestsDir } from './builtin-ids.js';
import type { ProviderDefinition } from './types.js';

/**
 * The built-in providers: one manifest each in manifests/. They are checked against the schema when keywarden is
 * built (scripts/check-manifests.mjs), so here they are only read.
 */
export { builtinIds };

export function builtinManifest(id: string): Manifest | undefined {
  if (!builtinIds().includes(id)) return undefined;
  return JSON.parse(readFileSync(new URL(`${id}.json`, manifestsDir), 'utf8')) as Manifest;
}

export function builtinProvider(id: string, environment?: ManifestEnvironment): ProviderDefinition | undefined {
  const manifest = builtinManifest(id);
  return manifest && manifestDefinition(manifest, environment);
}

export function builtinProviders(environment?: ManifestEnvironment): ProviderDefinition[] {
  return builtinIds().map((id) => builtinProvider(id, environment)!);
}
