import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Agent, Dispatcher, interceptors } from 'undici';

/** The three parts of undici keywarden uses. */
export interface Undici {
  Agent: typeof Agent;
  retry: typeof interceptors.retry;
  request: (dispatcher: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}

const require = createRequire(import.meta.url);
let loaded: Undici | undefined;

/**
 * undici, loaded the cheap way. Its index also loads fetch, cookies, mocks and caches, a third of a short run's
 * start-up; the agent, the retry interceptor and the request call come from their own files, and should a future
 * undici move them, from the index as usual.
 *
 * Two V8 settings go first, measured by `npm run bench`: --liftoff-only keeps the baseline code of undici's
 * WebAssembly HTTP parser (recompiling it for speed added about 35 MB to every run's peak memory, for a parser
 * that reads a few kilobytes a request), and --optimize-for-size keeps the heap from growing to twice what a
 * streamed listing of 100,000 keys holds alive.
 */
export function loadUndici(): Undici {
  if (loaded) return loaded;
  setFlagsFromString('--liftoff-only --optimize-for-size');
  try {
    const request = require('undici/lib/api/api-request.js') as (
      this: Dispatcher,
      options: Dispatcher.RequestOptions,
    ) => Promise<Dispatcher.ResponseData>;
    const parts: Undici = {
      Agent: require('undici/lib/dispatcher/agent.js') as typeof Agent,
      retry: require('undici/lib/interceptor/retry.js') as typeof interceptors.retry,
      request: (dispatcher, options) => request.call(dispatcher, options),
    };
    if (typeof parts.Agent === 'function' && typeof parts.retry === 'function' && typeof request === 'function')
      return (loaded = parts);
  } catch {
    // a layout this code does not know: the index below has everything
  }
  const undici = require('undici') as typeof import('undici');
  return (loaded = {
    Agent: undici.Agent,
    retry: undici.interceptors.retry,
    request: (dispatcher, options) => dispatcher.request(options),
  });
}
