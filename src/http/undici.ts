import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Agent, Dispatcher, interceptors } from 'undici';

/** The three parts of undici keywarden uses. */
export interface Undici {
  Agent: typeof Agent;
  retry: typeof interceptors.retry;
  request: (dispatcher: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}

/** undici's request function, called with the dispatcher as `this`. */
type RequestCall = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

const require = createRequire(import.meta.url);
let loaded: Undici | undefined;

/**
 * undici, loaded the cheap way: the build bundles the agent, the retry interceptor and the request call into
 * dist/http/undici.cjs (scripts/bundle.mjs), a third of the time its index takes, which also loads fetch, cookies,
 * mocks and caches. Unbuilt (the tests run the sources), it is the index.
 *
 * A V8 setting goes first, measured by `npm run bench`: --liftoff-only keeps the baseline code of undici's
 * WebAssembly HTTP parser (recompiling it for speed added about 35 MB to every run's peak memory, for a parser
 * that reads a few kilobytes a request).
 */
export function loadUndici(): Undici {
  if (loaded) return loaded;
  setFlagsFromString('--liftoff-only');
  let bundled: { Agent: typeof Agent; retry: typeof interceptors.retry; request: RequestCall } | undefined;
  try {
    bundled = require('./undici.cjs') as typeof bundled;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  }
  if (bundled) {
    const { request } = bundled;
    return (loaded = {
      Agent: bundled.Agent,
      retry: bundled.retry,
      request: (dispatcher, options) => request.call(dispatcher, options),
    });
  }
  const undici = require('undici') as typeof import('undici');
  return (loaded = {
    Agent: undici.Agent,
    retry: undici.interceptors.retry,
    request: (dispatcher, options) => dispatcher.request(options),
  });
}
