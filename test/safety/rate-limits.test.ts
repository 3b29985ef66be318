import { describe, expect, test } from 'vitest';
import { retryDecision, serverAdvisedDelayMs, type RetryPolicy } from '../../src/http/retry.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { assertBuilt, runBin } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';

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

/** Lists Dakota's keys through the built binary with the real retry policy; its exit code, stderr and time. */
async function listDakota(
  options: SandboxOptions,
): Promise<{ code: number | null; stderr: string; ms: number; keys: number; sandbox: Sandbox }> {
  assertBuilt();
  const sandbox = await startTestSandbox({ keys: 600, seed: 'rate', token: `tok-${process.pid}-rate`, ...options });
  try {
    const started = Date.now();
    const { code, stdout, stderr } = await runBin(
      ['--provider', 'dakota', '--base-url', sandbox.baseUrl('dakota'), '--debug', 'list', '-o', 'ndjson'],
      { env: isolatedEnv({ KEYWARDEN_TOKEN: sandbox.token }) },
    );
    return { code, stderr, ms: Date.now() - started, keys: stdout.trim().split('\n').filter(Boolean).length, sandbox };
  } finally {
    await sandbox.close();
  }
}

describe('against the simulator, which sends X-RateLimit-* on every answer as Dakota does', () => {
  test('every second request a 503 with quota left: the listing backs off, and takes under 10 s', async () => {
    const { code, stderr, ms, keys } = await listDakota({
      faults: { failEvery: 2, failStatus: 503, rateLimitResetSeconds: 60, rateLimitRemaining: 998 },
    });
    expect(code).toBe(0);
    expect(keys).toBe(600);
    expect(ms).toBeLessThan(10_000);
    expect(stderr).toMatch(/ 503 \d+ms attempt 1, retrying in \d{1,4}ms/);
    expect(stderr).not.toContain('trying again in');
  });

  test('a 429 with Retry-After: 1 waits about a second', async () => {
    const { code, stderr, ms } = await listDakota({ faults: { failEvery: 3, failStatus: 429, retryAfterSeconds: 1 } });
    expect(code).toBe(0);
    expect(stderr).toMatch(/ 429 \d+ms attempt 1, retrying in 1000ms/);
    expect(ms).toBeGreaterThanOrEqual(1_000);
  });

  test('the quota used up: waits for the reset, and says so when the wait is long', async () => {
    const { code, stderr, ms } = await listDakota({
      faults: { failEvery: 4, failStatus: 503, rateLimitResetSeconds: 3, rateLimitRemaining: 0 },
    });
    expect(code).toBe(0);
    const waited = Number(/ 503 \d+ms attempt 1, retrying in (\d+)ms/.exec(stderr)![1]);
    expect(waited).toBeGreaterThan(2_000);
    // the reset is a whole unix second, 3 s past the one the failure fell in
    expect(waited).toBeLessThanOrEqual(4_000);
    expect(stderr).toMatch(/keywarden: 127\.0\.0\.1:\d+ answered 503; trying again in [34]s \(attempt 2 of 5\)/);
    expect(ms).toBeGreaterThanOrEqual(2_000);
  });

  test('a reset further off than keywarden waits is one clear failure at once, not a long hang', async () => {
    const { code, stderr, ms } = await listDakota({
      faults: { failEvery: 1, failStatus: 429, rateLimitResetSeconds: 600, rateLimitRemaining: 0 },
    });
    expect(code).toBe(1);
    expect(ms).toBeLessThan(5_000);
    expect(stderr.split('\n').filter((l) => l.startsWith('keywarden:'))).toEqual([
      'keywarden: dakota: GET /api-keys: 429 Too Many Requests',
    ]);
  });
});
