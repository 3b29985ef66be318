import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Interrupts } from '../../src/interrupts.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/**
 * A grace period longer than a Node timer can hold (2^31 ms, 24.8 days) keeps the old key working until the
 * deadline, in one run or across --resume. Run on a fake clock that moves when keywarden sleeps.
 */

const day = 86_400_000;
const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: 'grace tests' });
let sandbox: Sandbox;
let deletes: { id: string; at: number }[] = [];
let clockNow = () => Date.now();

beforeAll(async () => {
  sandbox = await startTestSandbox({
    keys: 1,
    token: `tok-${process.pid}-grace`,
    onRequest: (record) => {
      if (record.method === 'DELETE') deletes.push({ id: record.path.split('/').pop()!, at: clockNow() });
    },
  });
});
afterAll(async () => {
  await sandbox.close();
  expectNoLeaks(sandbox, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]);
});

const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.token });
const args = () => ['--provider', 'cobo', '--base-url', sandbox.baseUrl('cobo')];

/** A clock that moves only when keywarden sleeps on it; `onSleep` sees each step before time moves. */
function fakeClock(onSleep: (now: number) => void = () => undefined) {
  let now = Date.now();
  const clock = {
    now: () => new Date(now),
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      onSleep(now);
      signal?.throwIfAborted();
      now += ms;
    },
    sleeps: 0,
  };
  clockNow = () => now;
  return clock;
}

const journalOf = (id: string) =>
  JSON.parse(readFileSync(join(home.XDG_STATE_HOME!, 'keywarden', 'rotations', `${id}.json`), 'utf8'));

describe('a grace period longer than a timer can hold', () => {
  test.each([25, 400])('--grace %dd: the old key stays active until the deadline, then is revoked', async (days) => {
    deletes = [];
    const old = sandbox.accounts.cobo.create({ name: `grace ${days}d` });
    let steps = 0;
    const clock = fakeClock(() => {
      steps++;
      expect(old.revokedAt).toBeNull();
    });
    const started = clock.now().getTime();
    const { code, stdout, stderr } = await runCli(
      [...args(), 'rotate', old.id, '--grace', `${days}d`, '--store', 'file', '--yes', '-o', 'json'],
      { env: env(), now: clock.now, sleep: clock.sleep },
    );
    expect(stderr).not.toContain('Warning');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const deadline = Date.parse(journalOf(doc.rotation_id).grace_until);
    expect(deadline - started).toBeGreaterThanOrEqual(days * day);
    expect(deadline - started).toBeLessThan(days * day + 60_000);
    // waited in steps of at most an hour, never one timer past what Node holds
    expect(steps).toBeGreaterThanOrEqual(days * 24);
    const revoke = deletes.find((d) => d.id === old.id)!;
    expect(revoke.at).toBeGreaterThanOrEqual(deadline);
    expect(old.revokedAt).not.toBeNull();
  });

  test('--grace 25d interrupted on day 10, resumed: the deadline holds, and the old key is revoked only after it', async () => {
    deletes = [];
    const old = sandbox.accounts.cobo.create({ name: 'grace resumed' });
    const interrupts = new Interrupts();
    let start = 0;
    const clock = fakeClock((now) => {
      expect(old.revokedAt).toBeNull();
      if (now - start >= 10 * day) interrupts.interrupt();
    });
    start = clock.now().getTime();
    const stopped = await runCli([...args(), 'rotate', old.id, '--grace', '25d', '--store', 'file', '--yes'], {
      env: env(),
      now: clock.now,
      sleep: clock.sleep,
      interrupts,
    });
    expect(stopped.code).toBe(130);
    const id = /rotation (rot-[\w-]+) interrupted at grace/.exec(stopped.stderr)![1]!;
    expect(stopped.stderr).toContain(`finish it: keywarden rotate --resume ${id}`);
    expect(old.revokedAt).toBeNull();
    const deadline = Date.parse(journalOf(id).grace_until);
    expect(deadline - start).toBeGreaterThanOrEqual(25 * day);

    const resumed = await runCli(['rotate', '--resume', id, '-o', 'json'], {
      env: env(),
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(resumed.code).toBe(0);
    expect(Date.parse(journalOf(id).grace_until)).toBe(deadline);
    expect(deletes.find((d) => d.id === old.id)!.at).toBeGreaterThanOrEqual(deadline);
    expect(old.revokedAt).not.toBeNull();
  });

  test('a grace or an expiry beyond what a date can hold is exit 2, before anything is created', async () => {
    const old = sandbox.accounts.cobo.create({ name: 'grace too long' });
    const before = sandbox.accounts.cobo.keys.length;
    for (const argv of [
      [...args(), 'rotate', old.id, '--grace', '999999999w', '--yes'],
      [...args(), 'create', 'forever', '--expires-in', '999999999w', '--store', 'file'],
      [...args(), '--timeout', '0s', 'list'],
      [...args(), '--timeout', '25d', 'list'],
    ]) {
      const { code, stderr } = await runCli(argv, { env: env() });
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toMatch(
        /^keywarden: --(grace|expires-in|timeout): '\w+' is (longer|shorter) than --\w+(-\w+)? allows\nhint: give a duration from \w+ to \w+\n$/,
      );
    }
    expect(sandbox.accounts.cobo.keys.length).toBe(before);
  });
});
