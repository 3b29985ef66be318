import { HttpClient } from '../../src/http/client.js';
import type { RetryPolicy } from '../../src/http/retry.js';

/** A client with quick retries, so fault-injection tests do not wait for production back-off. */
export function testHttpClient(overrides: Partial<RetryPolicy> = {}, trace?: (line: string) => void): HttpClient {
  return new HttpClient({
    timeoutMs: 2_000,
    trace,
    retry: {
      maxAttempts: 4,
      baseDelayMs: 5,
      maxDelayMs: 20,
      maxTotalMs: 5_000,
      random: Math.random,
      now: Date.now,
      ...overrides,
    },
  });
}
