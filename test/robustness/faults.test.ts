import { describe, expect, test } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import type { SimProviderId } from '../../src/sandbox/model.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';

const token = `faults-${process.pid}-token`;
const policy = {
  maxAttempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxTotalMs: 5_000,
  random: Math.random,
  now: Date.now,
  // the waits are checked in the --debug trace ("retrying in 1000ms"), not sat through
  sleep: () => Promise.resolve(),
};

async function withSandbox(options: SandboxOptions, work: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await startTestSandbox({ keys: 250, token, seed: 'faults', ...options });
  try {
    await work(sandbox);
  } finally {
    await sandbox.close();
  }
}

function list(sandbox: Sandbox, provider: SimProviderId, ...extra: string[]) {
  return runCli(
    [
      '--provider',
      provider,
      '--base-url',
      sandbox.baseUrl(provider),
      '--debug',
      ...extra,
      'list',
      '--status',
      'all',
      '-o',
      'json',
    ],
    {
      env: isolatedEnv({ KEYWARDEN_TOKEN: token }),
      retryPolicy: policy,
    },
  );
}

const listRequests = (sandbox: Sandbox) => sandbox.requests.filter((r) => r.method === 'GET').length;

describe('retries of safe requests', () => {
  test.each(['dialnexa', 'dakota', 'cobo'] as const)(
    '%s: every second request failing with 503 still lists every key once',
    async (provider) => {
      await withSandbox({ faults: { failEvery: 2 } }, async (sandbox) => {
        const { code, stdout, stderr } = await list(sandbox, provider);
        expect(code).toBe(0);
        const ids = (JSON.parse(stdout) as { id: string }[]).map((k) => k.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(sandbox.accounts[provider].keys.length);
        expect(stderr).toMatch(/ 503 \d+ms attempt 1, retrying in \d+ms/);
      });
    },
  );

  test('429 with Retry-After: the wait the server asks for is honoured', async () => {
    await withSandbox({ faults: { failEvery: 2, failStatus: 429, retryAfterSeconds: 1 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'dakota');
      expect(code).toBe(0);
      expect(stderr).toMatch(/ 429 \d+ms attempt 1, retrying in 1000ms/);
    });
  });

  test('429 with X-RateLimit-Reset: waits until the reset time', async () => {
    await withSandbox({ faults: { failEvery: 2, failStatus: 429, rateLimitResetSeconds: 1 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'dakota');
      expect(code).toBe(0);
      const waited = Number(/ 429 \d+ms attempt 1, retrying in (\d+)ms/.exec(stderr)![1]);
      expect(waited).toBeGreaterThan(0);
      expect(waited).toBeLessThanOrEqual(2000);
    });
  });

  test('dropped connections and stalled answers are retried (the stall after the --timeout)', async () => {
    await withSandbox({ faults: { resetEvery: 2 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'cobo');
      expect(code).toBe(0);
      expect(stderr).toMatch(/attempt 1, retrying/);
    });
    await withSandbox({ faults: { stallEvery: 2 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'dialnexa', '--timeout', '1s');
      expect(code).toBe(0);
      expect(stderr).toMatch(/UND_ERR_HEADERS_TIMEOUT \d+ms attempt 1, retrying/);
    });
  });

  test('retries are bounded: a provider that always fails is one clear exit-1 line after the last attempt', async () => {
    await withSandbox({ faults: { failEvery: 1, failStatus: 503 } }, async (sandbox) => {
      const { code, stdout, stderr } = await list(sandbox, 'edgedns');
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(listRequests(sandbox)).toBe(policy.maxAttempts);
      expect(stderr.split('\n').filter((l) => l.startsWith('keywarden:'))).toEqual([
        'keywarden: edgedns: GET /keys: 503 Service Unavailable',
      ]);
    });
  });

  test('a Retry-After beyond the time budget is not waited for', async () => {
    await withSandbox({ faults: { failEvery: 1, failStatus: 429, retryAfterSeconds: 3600 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'cobo');
      expect(code).toBe(1);
      expect(listRequests(sandbox)).toBe(1);
      expect(stderr).toContain('keywarden: cobo: GET /api/v1/api-keys: 429');
    });
  });
});

describe('creates are never repeated blindly', () => {
  const create = (sandbox: Sandbox, provider: SimProviderId, name: string) =>
    runCli(
      [
        '--provider',
        provider,
        '--base-url',
        sandbox.baseUrl(provider),
        '--debug',
        'create',
        name,
        '--store',
        'none',
        '--reveal',
      ],
      {
        env: isolatedEnv({ KEYWARDEN_TOKEN: token }),
        retryPolicy: policy,
        revealsSecret: true,
      },
    );

  test('a POST that fails with 503 is not sent again', async () => {
    await withSandbox({ keys: 1, faults: { failEvery: 1, methods: ['POST'] } }, async (sandbox) => {
      const before = sandbox.accounts.cobo.keys.length;
      const { code, stderr } = await create(sandbox, 'cobo', 'once only');
      expect(code).toBe(1);
      expect(sandbox.requests.filter((r) => r.method === 'POST').length).toBe(1);
      expect(stderr).toContain('keywarden: cobo: POST /api/v1/api-keys: 503');
      expect(sandbox.accounts.cobo.keys.length).toBe(before);
    });
  });

  test('Dakota takes an idempotency key: the POST is retried with the same key, and one key is created', async () => {
    let posts = 0;
    const loseFirstAnswer: SandboxOptions = {
      keys: 1,
      faults: { loseAnswerEvery: 1, methods: ['POST'] },
      onRequest: (request) => {
        if (request.method === 'POST' && ++posts === 2) sandboxRef!.setFaults({});
      },
    };
    await withSandbox(loseFirstAnswer, async (sandbox) => {
      sandboxRef = sandbox;
      const before = sandbox.accounts.dakota.keys.length;
      const { code, stdout } = await create(sandbox, 'dakota', 'idempotent');
      expect(code).toBe(0);
      const posts = sandbox.requests.filter((r) => r.method === 'POST');
      expect(posts.length).toBe(2);
      expect(posts[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(posts[1]!.idempotencyKey).toBe(posts[0]!.idempotencyKey);
      expect(sandbox.accounts.dakota.keys.length).toBe(before + 1);
      expect(sandbox.accounts.dakota.keys.at(-1)!.secret).toBe(stdout.trim());
    });
  });

  test('a create whose answer is lost is reconciled: the orphan is named with the command that revokes it', async () => {
    await withSandbox({ keys: 1, faults: { loseAnswerEvery: 1, methods: ['POST'] } }, async (sandbox) => {
      const { code, stdout, stderr } = await create(sandbox, 'edgedns', 'lost answer');
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const orphan = sandbox.accounts.edgedns.keys.find((k) => k.name === 'lost answer')!;
      expect(stderr).toContain(
        'the create request may have made a key at EdgeDNS, but its answer was lost or unreadable',
      );
      expect(stderr).toContain(`orphan: ${orphan.id} ('lost answer'`);
      expect(stderr).toContain(`revoke it: keywarden --profile edgedns revoke ${orphan.id}`);
      expect(stderr).toMatch(/keywarden: edgedns: POST \/keys: connection reset/);
    });
  });
});

describe('malformed and shifting answers', () => {
  test('a cursor that never advances stops with an error instead of looping', async () => {
    for (const provider of ['dakota', 'cobo'] as const) {
      await withSandbox({ faults: { ignoreCursors: true } }, async (sandbox) => {
        // Dakota walks in parts by creation time, without cursors, unless told to walk one page after another
        const { code, stderr } = await list(sandbox, provider, '--concurrency', '1');
        expect(code).toBe(1);
        expect(stderr).toMatch(
          new RegExp(
            `keywarden: ${provider}: GET \\S+: page 2 holds only keys already listed; stopping rather than looping`,
          ),
        );
        expect(listRequests(sandbox)).toBeLessThanOrEqual(3);
      });
    }
  });

  test('a Dakota listing in parts goes on by creation time: a server that ignores cursors still gives every key once', async () => {
    await withSandbox({ faults: { ignoreCursors: true } }, async (sandbox) => {
      const { code, stdout } = await list(sandbox, 'dakota');
      expect(code).toBe(0);
      const ids = (JSON.parse(stdout) as { id: string }[]).map((key) => key.id);
      expect(ids).toHaveLength(250);
      expect(new Set(ids).size).toBe(250);
      expect(sandbox.requests.some((r) => r.path.includes('created_at_from='))).toBe(true);
    });
  });

  test('a body that is not JSON is exit 1 naming provider and endpoint', async () => {
    await withSandbox({ faults: { badJsonEvery: 2 } }, async (sandbox) => {
      const { code, stderr } = await list(sandbox, 'dialnexa', '--concurrency', '1');
      expect(code).toBe(1);
      expect(stderr).toContain('keywarden: dialnexa: GET /api-keys: the answer (200, application/json) is not JSON');
    });
  });

  test('pages that shift while listing (keys created meanwhile) still yield each key once', async () => {
    let created = 0;
    const arrived = new Set<string>();
    await withSandbox(
      {
        // three full pages of 100: one key more pushes the oldest onto a fourth page the first answer did not count
        keys: 300,
        onRequest: (request) => {
          // a new key on every later page request pushes every key one place down the newest-first order
          const laterPage = /[?&](page=[2-9]|starting_after=|after=)/.test(request.path);
          if (request.method === 'GET' && laterPage && created < 5) {
            created += 1;
            for (const account of Object.values(sandboxRef!.accounts))
              arrived.add(account.create({ name: `arrived meanwhile ${created}` }).id);
          }
        },
      },
      async (sandbox) => {
        sandboxRef = sandbox;
        for (const provider of ['dialnexa', 'dakota', 'cobo'] as const) {
          const { code, stdout } = await list(sandbox, provider, '--concurrency', '1');
          expect(code).toBe(0);
          const ids = (JSON.parse(stdout) as { id: string }[]).map((k) => k.id);
          expect(new Set(ids).size).toBe(ids.length);
          const seeded = sandbox.accounts[provider].keys.filter((k) => !arrived.has(k.id)).map((k) => k.id);
          expect(
            seeded.filter((id) => !ids.includes(id)),
            provider,
          ).toEqual([]);
        }
        expect(created).toBeGreaterThan(0);
      },
    );
  });
});

let sandboxRef: Sandbox | undefined;
