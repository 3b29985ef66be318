import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { assertBuilt, spawnBin } from '../helpers/binary.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/** Resume adopts or revokes only what it made; unfinished rotations can be listed and abandoned. */

const passphrase = 'resume tests';
const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: passphrase });
const rotations = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');
let sandbox: Sandbox;
let onPost: (() => void) | undefined;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startTestSandbox({
    keys: 1,
    latencyMs: 300,
    token: `tok-${process.pid}-resume`,
    onRequest: (r) => r.method === 'POST' && onPost?.(),
  });
});
afterAll(async () => {
  await sandbox.close();
  expectNoLeaks(sandbox, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]);
});

const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.token });
const dialnexa = () => ['--provider', 'dialnexa', '--base-url', sandbox.baseUrl('dialnexa')];
const account = () => sandbox.accounts.dialnexa;
const stored = (id: string) =>
  new EncryptedFileStore({
    path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
    passphrase: async () => passphrase,
  }).get(`dialnexa/${id}`);
const journal = (id: string) => JSON.parse(readFileSync(join(rotations, `${id}.json`), 'utf8'));

describe('resume after a create interrupted mid-request', () => {
  test("a colleague's new key of the same name stays active; the one the attempt may have made is named and left alone", async () => {
    const old = account().create({ name: 'shared name' });
    const before = new Set(account().keys.map((k) => k.id));
    const run = spawnBin([...dialnexa(), 'rotate', old.id, '--store', 'file', '--yes'], { env: env() });
    // the process dies while its create request is in flight: its answer is lost with it
    onPost = () => {
      onPost = undefined;
      run.child.kill('SIGKILL');
    };
    expect(await run.exit).toBeNull();
    while (account().keys.length === before.size) await sleep(20);
    const attempt = account().keys.find((k) => !before.has(k.id))!;
    const colleague = account().create({ name: 'shared name' });

    const resumed = await runCli(['rotate', '--resume', '--yes', '-o', 'json'], { env: env() });
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    expect([attempt.id, colleague.id]).not.toContain(doc.new.id);
    expect(colleague.revokedAt).toBeNull();
    expect(attempt.revokedAt).toBeNull();
    for (const other of [attempt, colleague]) expect(resumed.stderr).toContain(`${other.id} (shared name), created `);
    expect(resumed.stderr).toContain('nothing proves it, so it is left as it is');
    expect(await stored(doc.new.id)).toBe(account().find(doc.new.id)!.secret);
    expect(old.revokedAt).not.toBeNull();
    expect(
      journal(doc.rotation_id)
        .orphans.map((o: { id: string }) => o.id)
        .sort(),
    ).toEqual([attempt.id, colleague.id].sort());
  });
});

describe('rotations on record', () => {
  test('rotate --list: newest first, with the step each is at and whether it finished', async () => {
    const stopped = account().create({ name: 'listed, stopped' });
    const failed = await runCli(
      [...dialnexa(), 'rotate', stopped.id, '--store', 'file', '--deliver', 'exit 9', '--yes'],
      { env: env() },
    );
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(failed.stderr)![1]!;
    const { code, stdout } = await runCli(['rotate', '--list', '-o', 'json'], { env: env() });
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as {
      rotation_id: string;
      key_id: string;
      profile: string;
      step: string;
      started_at: string;
      finished: boolean;
    }[];
    expect(Object.keys(listed[0]!)).toEqual(['rotation_id', 'key_id', 'profile', 'step', 'started_at', 'finished']);
    expect(listed[0]).toMatchObject({
      rotation_id: id,
      key_id: stopped.id,
      profile: 'dialnexa',
      step: 'deliver',
      finished: false,
    });
    expect(listed.some((r) => r.finished && r.step === 'revoke')).toBe(true);
    const times = listed.map((r) => Date.parse(r.started_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('rotate --abort: an undelivered new key is revoked and its secret deleted, the old key left; the key may be rotated again', async () => {
    const old = account().create({ name: 'aborted' });
    const failed = await runCli([...dialnexa(), 'rotate', old.id, '--store', 'file', '--deliver', 'exit 9', '--yes'], {
      env: env(),
    });
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(failed.stderr)![1]!;
    const fresh = journal(id).new as { id: string };
    expect(await stored(fresh.id)).toBeDefined();

    const refused = await runCli(['rotate', '--abort', id], { env: env() });
    expect(refused.code).toBe(2);
    expect(account().find(fresh.id)!.revokedAt).toBeNull();

    const { code, stderr } = await runCli(['rotate', '--abort', id, '--yes'], { env: env() });
    expect(code).toBe(0);
    expect(stderr).toContain(
      `revoked the new key ${fresh.id} (aborted), which was never delivered, and deleted its stored secret`,
    );
    expect(account().find(fresh.id)!.revokedAt).not.toBeNull();
    expect(await stored(fresh.id)).toBeUndefined();
    expect(old.revokedAt).toBeNull();
    expect(journal(id).aborted_at).not.toBeNull();

    const resumed = await runCli(['rotate', '--resume', id], { env: env() });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain(`rotation ${id} was aborted at`);
    const again = await runCli([...dialnexa(), 'rotate', old.id, '--store', 'file', '--yes', '-o', 'json'], {
      env: env(),
    });
    expect(again.code).toBe(0);
    expect(old.revokedAt).not.toBeNull();
  });

  test('rotate --abort keeps a new key that was delivered already, and names it', async () => {
    const old = account().create({ name: 'delivered then aborted' });
    const failed = await runCli(
      [
        ...dialnexa(),
        'rotate',
        old.id,
        '--store',
        'file',
        '--deliver',
        'cat > /dev/null',
        '--verify-use',
        '1s',
        '--yes',
      ],
      { env: env() },
    );
    const id = /rotation (rot-[\w-]+) stopped at verify/.exec(failed.stderr)![1]!;
    const fresh = journal(id).new as { id: string };
    const { code, stderr } = await runCli(['rotate', '--abort', id], { env: env() });
    expect(code).toBe(0);
    expect(stderr).toContain(
      `the new key ${fresh.id} (delivered then aborted) was delivered, so it is kept: revoke it once nothing uses it: keywarden --profile dialnexa revoke ${fresh.id}`,
    );
    expect(account().find(fresh.id)!.revokedAt).toBeNull();
    expect(old.revokedAt).toBeNull();
  });

  test('a lock left without its journal does not block the key, and --resume finds nothing to finish', async () => {
    const old = account().create({ name: 'stale lock' });
    mkdirSync(rotations, { recursive: true, mode: 0o700 });
    const lock = join(rotations, `dialnexa--${old.id}.lock`);
    writeFileSync(lock, JSON.stringify({ rotation: 'rot-20200101T000000Z-000000', pid: 999999, host: 'elsewhere' }), {
      mode: 0o600,
    });
    const { code } = await runCli([...dialnexa(), 'rotate', old.id, '--store', 'file', '--yes'], { env: env() });
    expect(code).toBe(0);
    expect(old.revokedAt).not.toBeNull();
    expect(existsSync(lock)).toBe(false);
  });
});
