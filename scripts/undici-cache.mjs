#!/usr/bin/env node
// Part of `npm run build`, last: V8's code for dist/http/undici.cjs, written beside it as undici.cjs.cache, which
// src/http/undici.ts hands to V8 so that a run does not compile undici again. The code is made the way a run makes
// it (the same V8 setting first), after one request to a server on this machine, so that what a request runs is
// in it too. V8 takes the cache only from the same Node and settings, and compiles afresh otherwise.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { bundleCachePath, runBundle } from '../dist/http/undici.js';

setFlagsFromString('--liftoff-only');
const bundle = runBundle(undefined);
if (!bundle) throw new Error('dist/http/undici.cjs is missing: scripts/bundle.mjs writes it');

const server = createServer((req, res) => res.end('{"data":[]}'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const agent = new bundle.parts.Agent();
try {
  const dispatcher = agent.compose(bundle.parts.retry({ throwOnError: false }));
  const response = await bundle.parts.request.call(dispatcher, {
    origin: `http://127.0.0.1:${server.address().port}`,
    path: '/',
    method: 'GET',
  });
  await response.body.text();
} finally {
  await agent.close();
  server.close();
}
writeFileSync(bundleCachePath, bundle.script.createCachedData());
