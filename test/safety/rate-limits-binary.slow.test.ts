// The built binary with the real retry policy against the simulator, which sends X-RateLimit-* on every answer as
// Dakota does: the waits are sat through here, in real time.
import { describe, expect, test } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { assertBuilt, runBin } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';

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
