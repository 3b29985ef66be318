import { describe, expect, test } from 'vitest';
import { retryDecision, serverAdvisedDelayMs, type RetryPolicy } from '../../src/http/retry.js';

/** Rate-limit headers mean "wait" only when they say so: a 429, or a quota used up. A 5xx with quota left backs off. */

const now = Date.parse('2026-06-01T12:00:00Z');
const inSeconds = (s: number) => String(Math.floor(now / 1000) + s);
const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
  random: () => 0.5,
  now: () => now,
};
const backoff = (attempt: number) => Math.floor(0.5 * Math.min(8_000, 250 * 2 ** (attempt - 1)));

describe('the retry decision, for each combination of headers', () => {
  test.each([
    ['429 with Retry-After in seconds', 429, { 'retry-after': '3' }, 3_000],
    ['429 with Retry-After as a date', 429, { 'retry-after': new Date(now + 5_000).toUTCString() }, 5_000],
    ['503 with Retry-After', 503, { 'retry-after': '2' }, 2_000],
    [
      "502 with Retry-After: not the server's word for a bad gateway, so back off",
      502,
      { 'retry-after': '30' },
      backoff(1),
    ],
    ['429 with X-RateLimit-Reset', 429, { 'x-ratelimit-reset': inSeconds(4) }, 4_000],
    [
      '503 with quota left and a reset a minute ahead: an outage, back off',
      503,
      { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '998', 'x-ratelimit-reset': inSeconds(60) },
      backoff(1),
    ],
    [
      '503 with the quota used up: wait for the reset',
      503,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(7) },
      7_000,
    ],
    [
      '504 with the quota used up: wait for the reset',
      504,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(2) },
      2_000,
    ],
    [
      '429 with Retry-After and a reset: Retry-After wins',
      429,
      { 'retry-after': '1', 'x-ratelimit-reset': inSeconds(50) },
      1_000,
    ],
    ['503 with no headers', 503, {}, backoff(1)],
    ['429 with no headers', 429, {}, backoff(1)],
  ] as const)('%s', (_, status, headers, expected) => {
    expect(retryDecision(policy, { attempt: 1, status, headers, elapsedMs: 0 })).toBe(expected);
  });

  test('a wait past the retry budget is not waited: the failure is reported at once', () => {
    expect(
      retryDecision(policy, { attempt: 1, status: 429, headers: { 'retry-after': '120' }, elapsedMs: 0 }),
    ).toBeNull();
    expect(
      retryDecision(policy, {
        attempt: 1,
        status: 503,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(300) },
        elapsedMs: 0,
      }),
    ).toBeNull();
  });

  test('a status that is not retried is not, whatever the headers say', () => {
    expect(
      retryDecision(policy, { attempt: 1, status: 400, headers: { 'retry-after': '1' }, elapsedMs: 0 }),
    ).toBeNull();
    expect(serverAdvisedDelayMs(400, { 'retry-after': '1' }, now)).toBeNull();
  });
});
