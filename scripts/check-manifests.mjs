#!/usr/bin/env node
// Part of `npm run build`: every built-in manifest in manifests/ is checked against the schema and keywarden's own
// checks here, once, so that keywarden reads them at run time without checking them on every start.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManifestError, readManifest } from '../dist/manifest/load.js';

const dir = fileURLToPath(new URL('../manifests/', import.meta.url));
let failed = 0;
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  try {
    const manifest = await readManifest(`${dir}${name}`, `manifests/${name}`, { builtin: true });
    if (`${manifest.id}.json` !== name)
      throw new Error(`manifests/${name}: id: must be ${name.slice(0, -5)}, the file's name`);
  } catch (error) {
    failed++;
    for (const line of error instanceof ManifestError ? error.lines() : [error.message]) console.error(line);
  }
}
if (failed > 0) process.exit(1);
