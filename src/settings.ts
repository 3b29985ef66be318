import { UsageError } from './errors.js';
import { parseDuration, parseSize } from './util/time.js';

/** The options every command accepts, before or after its name, as commander parses them. */
export interface GlobalOptions {
  profile?: string;
  provider?: string;
  baseUrl?: string;
  output?: string;
  wide?: boolean;
  color?: boolean;
  input?: boolean;
  yes?: boolean;
  debug?: boolean;
  timeout?: string;
  configDir?: string;
  concurrency?: string;
  maxResponse?: string;
}

/** What the global options mean for a run, checked once, before any command begins. */
export interface Settings {
  /** how long one attempt of a request may take */
  timeoutMs: number;
  /** the largest answer read from a provider; undefined: the HTTP client's default */
  maxResponseBytes: number | undefined;
  /** pages fetched at once where a provider's pagination allows it */
  pageConcurrency: number;
}

export function parseSettings(globals: GlobalOptions): Settings {
  const concurrency = globals.concurrency ?? '8';
  if (!/^\d+$/.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > 64) {
    throw new UsageError(`--concurrency: '${concurrency}' is not a number from 1 to 64`);
  }
  return {
    timeoutMs: parseDuration(globals.timeout ?? '30s', '--timeout', { min: 1_000, max: 86_400_000 }),
    maxResponseBytes:
      globals.maxResponse === undefined
        ? undefined
        : parseSize(globals.maxResponse, '--max-response', { min: 1024, max: 1024 ** 3 }),
    pageConcurrency: Number(concurrency),
  };
}
