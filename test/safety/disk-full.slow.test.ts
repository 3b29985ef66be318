import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { diskFiles, type Files } from '../../src/util/fs.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * The disk fills up at each write a rotation makes, in turn. Whatever was written last, a working key is left (the
 * old one, or the new one with its secret stored), the journal claims nothing that did not happen, and once there
 * is room again --resume finishes, or says plainly there is nothing to finish.
 */

const passphrase = 'disk full tests';
const sandbox = useSandbox({ keys: 1, seed: 'disk-full' });
const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: passphrase });
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token });
const account = () => sandbox.current.accounts.edgedns;
const rotations = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');
const secretOf = (id: string) =>
  new EncryptedFileStore({
    path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
    passphrase: async () => passphrase,
  }).get(`edgedns/${id}`);

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

/** The real disk, full from the (n+1)th write on; counts the writes it was asked for. */
function diskFullAfter(n: number): Files & { writes: number } {
  const files = {
    ...diskFiles,
    writes: 0,
    async writeAtomic(...args: Parameters<Files['writeAtomic']>) {
      if (++files.writes > n)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return diskFiles.writeAtomic(...args);
    },
    async createExclusive(...args: Parameters<Files['createExclusive']>) {
      if (++files.writes > n)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return diskFiles.createExclusive(...args);
    },
  };
  return files;
}

const journalsOf = (oldId: string) =>
  readdirSync(rotations)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(rotations, f), 'utf8')))
    .filter((j) => j.old.id === oldId);

const rotate = (oldId: string, files?: Files) =>
  runCli(
    [
      '--provider',
      'edgedns',
      '--base-url',
      sandbox.current.baseUrl('edgedns'),
      'rotate',
      oldId,
      '--store',
      'file',
      '--deliver',
      'cat > /dev/null',
      '--yes',
      '-o',
      'json',
    ],
    { env: env(), files },
  );

/** A working key is left: the old one, or an active new one whose secret is stored. */
async function expectWorkingKey(name: string, oldId: string): Promise<void> {
  const old = account().find(oldId)!;
  if (old.revokedAt === null) return;
  const fresh = account().keys.filter((k) => k.name === name && k.id !== oldId && k.revokedAt === null);
  const storedRight = await Promise.all(fresh.map(async (k) => (await secretOf(k.id)) === k.secret));
  expect(storedRight).toContain(true);
}

/** The journal on disk says nothing that did not happen. */
async function expectTruthful(oldId: string): Promise<void> {
  for (const journal of journalsOf(oldId)) {
    if (journal.new) {
      expect(account().find(journal.new.id)).toBeDefined();
      expect(await secretOf(journal.new.id)).toBe(account().find(journal.new.id)!.secret);
    }
    if (journal.done.revoke) expect(account().find(oldId)!.revokedAt).not.toBeNull();
  }
}

test('a rotation that has room makes a known number of writes', async () => {
  const old = account().create({ name: 'counted' });
  const counting = diskFullAfter(Infinity);
  const { code } = await rotate(old.id, counting);
  expect(code).toBe(0);
  expect(counting.writes).toBeGreaterThan(8);
  writesOfARotation = counting.writes;
});

let writesOfARotation = 0;

describe('the disk full from each write on', () => {
  test('every point: a working key, a truthful journal, and a resume that finishes once there is room', async () => {
    expect(writesOfARotation).toBeGreaterThan(0);
    for (let n = 0; n < writesOfARotation; n++) {
      const name = `disk full after ${n} writes`;
      const old = account().create({ name });
      const failed = await rotate(old.id, diskFullAfter(n));
      expect(failed.code, name).not.toBe(0);
      expect(failed.stderr, name).toMatch(/ENOSPC/);
      expect(failed.stderr, name).not.toContain('unexpected error');
      await expectWorkingKey(name, old.id);
      await expectTruthful(old.id);

      const open = journalsOf(old.id).filter((j) => j.finished_at === null);
      if (open.length === 0) {
        // it never began, or its last step ran and only the journal's last word was lost
        const resumed = await runCli(['rotate', '--resume', '--yes'], { env: env() });
        expect(resumed.code, name).toBe(0);
        continue;
      }
      const resumed = await runCli(['rotate', '--resume', open[0].id, '--yes', '-o', 'json'], { env: env() });
      expect(resumed.stderr, name).not.toContain('unexpected error');
      expect(resumed.code, `${name}: ${resumed.stderr}`).toBe(0);
      const doc = JSON.parse(resumed.stdout);
      expect(account().find(old.id)!.revokedAt, name).not.toBeNull();
      const active = account().keys.filter((k) => k.name === name && k.id !== old.id && k.revokedAt === null);
      expect(
        active.map((k) => k.id),
        name,
      ).toEqual([doc.new.id]);
      expect(await secretOf(doc.new.id), name).toBe(active[0]!.secret);
    }
  });
});
