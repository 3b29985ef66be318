import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRecord, Sandbox } from '../../src/sandbox/server.js';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { assertBuilt, spawnBin, type Spawned } from '../helpers/binary.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { Interrupts } from '../../src/interrupts.js';

/**
 * From the moment a create request is sent until its secret is safe, SIGINT and SIGTERM wait: every key that exists
 * at the provider afterwards has its secret stored, delivered or printed once, or is named as an orphan. Run against
 * the built binary, with real signals, and a sandbox slow enough to interrupt it mid-request.
 */

const passphrase = 'interrupt tests';
const home = isolatedEnv();
let sandbox: Sandbox;
let arrived: ((record: RequestRecord) => void) | undefined;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startTestSandbox({
    keys: 2,
    latencyMs: 1_200,
    token: `tok-${process.pid}-interrupts`,
    onRequest: (record) => arrived?.(record),
  });
});
afterAll(async () => {
  await sandbox.close();
  expectNoLeaks(sandbox, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]);
});

const env = (extra = {}) => ({
  ...home,
  KEYWARDEN_TOKEN: sandbox.token,
  KEYWARDEN_FILE_PASSPHRASE: passphrase,
  ...extra,
});
const args = ['--provider', 'dialnexa', '--base-url', () => sandbox.baseUrl('dialnexa')] as const;
const base = () => args.map((a) => (typeof a === 'function' ? a() : a));
const keyNamed = (name: string) => sandbox.accounts.dialnexa.keys.find((k) => k.name === name);
const stored = (id: string) =>
  new EncryptedFileStore({
    path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
    passphrase: async () => passphrase,
  }).get(`dialnexa/${id}`);

/** Resolves when the sandbox receives the create request: the moment it is in flight. */
function createRequestArrives(): Promise<void> {
  return new Promise((resolve) => {
    arrived = (record) => {
      if (record.method === 'POST') {
        arrived = undefined;
        resolve();
      }
    };
  });
}

async function interrupt(run: Spawned, signal: NodeJS.Signals, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    run.child.kill(signal);
    await sleep(150);
  }
}

async function untilExists(path: string): Promise<void> {
  while (!existsSync(path)) await sleep(20);
}

describe('an interrupt while the create request is in flight', () => {
  test.each([
    ['SIGINT', 1],
    ['SIGTERM', 1],
    ['SIGINT', 2],
    ['SIGTERM', 2],
  ] as const)(
    '%s x%d: the answer is awaited, the secret stored, the result printed, then exit 130',
    async (signal, times) => {
      const name = `in flight ${signal} ${times}`;
      const inFlight = createRequestArrives();
      const run = spawnBin([...base(), 'create', name, '--store', 'file', '-o', 'json'], { env: env() });
      await inFlight;
      await interrupt(run, signal, times);
      expect(await run.exit).toBe(130);
      const key = keyNamed(name)!;
      expect(await stored(key.id)).toBe(key.secret);
      const doc = JSON.parse(run.stdout());
      expect(doc.key.id).toBe(key.id);
      expect(doc.stored).toContain(`dialnexa/${key.id}`);
      expect(run.stderr()).toContain(
        "keywarden: interrupted; finishing the create request and the new key's secret first",
      );
      if (times === 2)
        expect(run.stderr()).toContain(
          "still waiting for DialNexa's answer to the create request; interrupt once more to stop without waiting",
        );
    },
  );

  test('with nowhere to store it, the secret is printed once (--reveal in a pipe), then exit 130', async () => {
    const name = 'in flight revealed';
    const inFlight = createRequestArrives();
    const run = spawnBin([...base(), 'create', name, '--store', 'none', '--reveal'], {
      env: env(),
      revealsSecret: true,
    });
    await inFlight;
    await interrupt(run, 'SIGINT', 2);
    expect(await run.exit).toBe(130);
    const key = keyNamed(name)!;
    expect(run.stdout()).toBe(`${key.secret}\n`);
    expect(run.stderr()).not.toContain(key.secret);
  });

  test('a third interrupt stops without waiting: the key the request may make is named, with how to find and revoke it', async () => {
    const name = 'in flight forced';
    const inFlight = createRequestArrives();
    const run = spawnBin([...base(), 'create', name, '--store', 'file', '-o', 'json'], { env: env() });
    await inFlight;
    await interrupt(run, 'SIGTERM', 3);
    expect(await run.exit).toBe(130);
    expect(run.stdout()).toBe('');
    const stderr = run.stderr();
    expect(stderr).toContain(
      'stopped before DialNexa answered the create request, which may have made a key whose secret nobody received',
    );
    expect(stderr).toMatch(
      /find it with: keywarden --profile dialnexa list --search 'in flight forced' --created-after \S+, then revoke it: keywarden --profile dialnexa revoke <id>/,
    );
    // the simulator still carries the request out: that key is the orphan the message names
    await sleep(1_500);
    expect(keyNamed(name)).toBeDefined();
  });
});

describe('an interrupt while --deliver runs', () => {
  test.each([
    ['SIGINT', 1],
    ['SIGTERM', 2],
  ] as const)('%s x%d: the command finishes and gets the secret, then exit 130', async (signal, times) => {
    const name = `delivering ${signal} ${times}`;
    const marker = join(home.HOME!, `${signal}-${times}.started`);
    const target = join(home.HOME!, `${signal}-${times}.delivered`);
    const run = spawnBin(
      [
        ...base(),
        'create',
        name,
        '--store',
        'none',
        '--deliver',
        `touch '${marker}'; sleep 1; cat > '${target}'`,
        '-o',
        'json',
      ],
      { env: env() },
    );
    await untilExists(marker);
    await interrupt(run, signal, times);
    expect(await run.exit).toBe(130);
    const key = keyNamed(name)!;
    expect(readFileSync(target, 'utf8')).toBe(`${key.secret}\n`);
    expect(JSON.parse(run.stdout())).toMatchObject({ key: { id: key.id }, stored: null, delivered: true });
    if (times === 2) expect(run.stderr()).toContain('still waiting for the --deliver command to finish');
  });

  test('a third interrupt stops the command, and the secret nothing took is printed on stderr first', async () => {
    const name = 'delivering forced';
    const marker = join(home.HOME!, 'forced.started');
    const run = spawnBin([...base(), 'create', name, '--store', 'none', '--deliver', `touch '${marker}'; sleep 20`], {
      env: env(),
      revealsSecret: true,
    });
    await untilExists(marker);
    await interrupt(run, 'SIGINT', 3);
    expect(await run.exit).toBe(130);
    const key = keyNamed(name)!;
    const stderr = run.stderr();
    expect(stderr).toContain(
      `keywarden: stopped before the new secret was stored or delivered; the secret of ${key.id} (${name}) follows, and will not be shown again:`,
    );
    expect(stderr.split(key.secret).length).toBe(2);
  });

  test('with the secret stored first, a third interrupt has nothing to print: the secret is safe in the store', async () => {
    const name = 'delivering stored';
    const marker = join(home.HOME!, 'stored.started');
    const run = spawnBin([...base(), 'create', name, '--store', 'file', '--deliver', `touch '${marker}'; sleep 20`], {
      env: env(),
    });
    await untilExists(marker);
    await interrupt(run, 'SIGINT', 3);
    expect(await run.exit).toBe(130);
    const key = keyNamed(name)!;
    expect(await stored(key.id)).toBe(key.secret);
  });
});

describe('a create whose 2xx answer cannot be read', () => {
  test('names the key it made, with the command that revokes it; exit 1', async () => {
    const broken = await startTestSandbox({
      keys: 1,
      token: sandbox.token,
      faults: { badJsonEvery: 1, methods: ['POST'] },
    });
    try {
      const { code, stdout, stderr } = await runCli(
        [
          '--provider',
          'dialnexa',
          '--base-url',
          broken.baseUrl('dialnexa'),
          'create',
          'broken answer',
          '--store',
          'file',
        ],
        { env: env() },
      );
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const orphan = broken.accounts.dialnexa.keys.find((k) => k.name === 'broken answer')!;
      expect(stderr).toContain(
        'keywarden: the create request may have made a key at DialNexa, but its answer was lost or unreadable',
      );
      expect(stderr).toContain(`orphan: ${orphan.id} ('broken answer'`);
      expect(stderr).toContain(`revoke it: keywarden --profile dialnexa revoke ${orphan.id}`);
      expect(stderr).toMatch(/keywarden: dialnexa: POST \/api-keys: the answer \(201, application\/json\) is not JSON/);
    } finally {
      await broken.close();
    }
  });
});

describe('an interrupted bulk revoke', () => {
  test('reports exactly what was revoked: the revocations sent finish, the rest are not begun; exit 130', async () => {
    const interrupts = new Interrupts();
    let deletes = 0;
    const slow = await startTestSandbox({
      keys: 0,
      latencyMs: 300,
      token: sandbox.token,
      onRequest: (record) => {
        if (record.method === 'DELETE' && ++deletes === 1) interrupts.interrupt();
      },
    });
    try {
      const keys = Array.from({ length: 12 }, (_, i) => slow.accounts.dialnexa.create({ name: `bulk ${i}` }));
      const { code, stdout, stderr } = await runCli(
        [
          '--provider',
          'dialnexa',
          '--base-url',
          slow.baseUrl('dialnexa'),
          'revoke',
          ...keys.map((k) => k.id),
          '--yes',
          '-o',
          'json',
        ],
        {
          env: env(),
          interrupts,
        },
      );
      expect(code).toBe(130);
      const doc = JSON.parse(stdout) as { revoked: { id: string }[]; failed: { id: string; error: string }[] };
      const revokedAtProvider = keys.filter((k) => k.revokedAt !== null).map((k) => k.id);
      expect(revokedAtProvider).toHaveLength(4); // the four sent at once finished
      expect(doc.revoked.map((k) => k.id)).toEqual(revokedAtProvider);
      expect(doc.failed.map((f) => f.id)).toEqual(keys.filter((k) => k.revokedAt === null).map((k) => k.id));
      expect(new Set(doc.failed.map((f) => f.error))).toEqual(new Set(['not revoked: interrupted']));
      expect(deletes).toBe(4);
      expect(stderr).toContain('keywarden: interrupted: 4 of 12 keys revoked, 8 not');
    } finally {
      await slow.close();
    }
  });
});
