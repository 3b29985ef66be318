import { readdirSync } from 'node:fs';

/** Where the built-in providers' manifests are: manifests/, beside dist/ in the package. */
export const manifestsDir = new URL('../../manifests/', import.meta.url);

let ids: string[] | undefined;

/** The ids of the built-in providers, one manifest file each, in order; read without loading the engine (for --help). */
export function builtinIds(): string[] {
  ids ??= readdirSync(manifestsDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  return ids;
}
