import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import type { Agent, Dispatcher, interceptors } from 'undici';

/** The three parts of undici keywarden uses. */
export interface Undici {
  Agent: typeof Agent;
  retry: typeof interceptors.retry;
  request: (dispatcher: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}

/** undici's request function, called with the dispatcher as `this`. */
type RequestCall = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

interface Bundled {
  Agent: typeof Agent;
  retry: typeof interceptors.retry;
  request: RequestCall;
}

const bundlePath = fileURLToPath(new URL('./undici.cjs', import.meta.url));
/** V8's code for the bundle, as the build compiled it (scripts/undici-cache.mjs). */
export const bundleCachePath = `${bundlePath}.cache`;

let loaded: Undici | undefined;

/**
 * The bundle run as CommonJS, compiled with the code cache where V8 takes it (the same Node and V8 settings as
 * the build's: it checks), else afresh; the script, for the build to make the cache from. Undefined unbuilt.
 */
export function runBundle(cache: Buffer | undefined): { script: Script; parts: Bundled } | undefined {
  let source: string;
  try {
    source = readFileSync(bundlePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // CommonJS's own wrapper, so that the bundle sees what it would under require()
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundlePath, cachedData: cache });
  const module = { exports: {} as Bundled };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(bundlePath),
    module,
    bundlePath,
    dirname(bundlePath),
  );
  return { script, parts: module.exports };
}

function readCache(): Buffer | undefined {
  try {
    return readFileSync(bundleCachePath);
  } catch {
    return undefined;
  }
}

/**
 * undici, loaded the cheap way: the build bundles the agent, the retry interceptor and the request call into
 * dist/http/undici.cjs (scripts/bundle.mjs), a third of the time its index takes, which also loads fetch, cookies,
 * mocks and caches, and lays V8's code for it beside it, which saves compiling it again. Unbuilt (the tests run the
 * sources), it is the index.
 *
 * A V8 setting goes first, measured by `npm run bench`: --liftoff-only keeps the baseline code of undici's
 * WebAssembly HTTP parser (recompiling it for speed added about 35 MB to every run's peak memory, for a parser
 * that reads a few kilobytes a request).
 */
export function loadUndici(): Undici {
  if (loaded) return loaded;
  setFlagsFromString('--liftoff-only');
  const bundled = runBundle(readCache())?.parts;
  if (bundled) {
    const { request } = bundled;
    return (loaded = {
      Agent: bundled.Agent,
      retry: bundled.retry,
      request: (dispatcher, options) => request.call(dispatcher, options),
    });
  }
  const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
  return (loaded = {
    Agent: undici.Agent,
    retry: undici.interceptors.retry,
    request: (dispatcher, options) => dispatcher.request(options),
  });
}
