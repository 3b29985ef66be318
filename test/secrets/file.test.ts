import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { withFileLock } from '../../src/secrets/file-lock.js';
import { SecretStoreError } from '../../src/secrets/store.js';
import { assertBuilt, repoRoot } from '../helpers/binary.js';

const passphrase = 'correct horse battery staple';
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function newStore(options: { dir?: string; passphrase?: string } = {}): {
  store: EncryptedFileStore;
  path: string;
  dir: string;
  asked: () => number;
} {
  const dir = options.dir ?? tempDir('kw-file-store-');
  const path = join(dir, 'secrets.enc');
  let asked = 0;
  const store = new EncryptedFileStore({
    path,
    passphrase: async () => {
      asked++;
      return options.passphrase ?? passphrase;
    },
  });
  return { store, path, dir, asked: () => asked };
}

const secret = (): string => `sk_live_${randomBytes(16).toString('hex')} ünïcødé`;

async function rejection(promise: Promise<unknown>): Promise<SecretStoreError> {
  const error = await promise.then(
    () => expect.unreachable('should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretStoreError);
  return error as SecretStoreError;
}

describe('EncryptedFileStore', () => {
  test('round trip: set, get, replace, delete; the passphrase is asked once', async () => {
    const { store, path, asked } = newStore();
    expect(await store.get('prod/k1')).toBeUndefined(); // no file yet
    expect(asked()).toBe(0);

    const [one, two, three] = [secret(), secret(), secret()];
    await store.set('prod/k1', one);
    await store.set('prod/k2', two);
    expect(await store.get('prod/k1')).toBe(one);
    expect(await store.get('prod/k2')).toBe(two);
    expect(await store.get('prod/none')).toBeUndefined();

    await store.set('prod/k1', three);
    expect(await store.get('prod/k1')).toBe(three);

    expect(await store.delete('prod/k1')).toBe(true);
    expect(await store.delete('prod/k1')).toBe(false);
    expect(await store.get('prod/k1')).toBeUndefined();
    expect(await store.get('prod/k2')).toBe(two);
    expect(asked()).toBe(1);

    // another process (another instance) opens it with the same passphrase
    const again = new EncryptedFileStore({ path, passphrase: async () => passphrase });
    expect(await again.get('prod/k2')).toBe(two);
    expect(store.location('prod/k2')).toBe(`file:${path}#prod/k2`);
  });

  test('the file is 0600, holds no secret in clear text, and nothing else is left beside it', async () => {
    const { store, path, dir } = newStore();
    const secrets = [secret(), secret()];
    await store.set('p/a', secrets[0]!);
    await store.set('p/b', secrets[1]!);
    await store.delete('p/b');
    await store.check();

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['secrets.enc']);
    const text = readFileSync(path, 'utf8');
    for (const value of [...secrets, passphrase]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(value.slice(0, 24));
      expect(text).not.toContain(Buffer.from(value).toString('base64').slice(0, 24));
    }
    const document = JSON.parse(text);
    expect(Object.keys(document.entries)).toEqual(['p/a']);
    expect(document.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
  });

  test('every entry has its own IV', async () => {
    const { store, path } = newStore();
    const same = secret();
    await store.set('p/a', same);
    await store.set('p/b', same);
    const { entries, verifier } = JSON.parse(readFileSync(path, 'utf8'));
    const ivs = [entries['p/a'].iv, entries['p/b'].iv, verifier.iv];
    expect(new Set(ivs).size).toBe(3);
    expect(Buffer.from(entries['p/a'].iv, 'base64')).toHaveLength(12);
    expect(entries['p/a'].data).not.toBe(entries['p/b'].data);
  });

  test('a wrong passphrase is exit 2, says so, and leaves the file byte for byte as it was', async () => {
    const { store, path, dir } = newStore();
    await store.set('p/a', secret());
    const before = readFileSync(path);

    const wrong = newStore({ dir, passphrase: 'not the passphrase' }).store;
    for (const attempt of [
      () => wrong.get('p/a'),
      () => wrong.set('p/b', secret()),
      () => wrong.delete('p/a'),
      () => wrong.check(),
    ]) {
      const error = await rejection(attempt());
      expect(error.exitCode).toBe(ExitCode.usage);
      expect(error.message).toBe(`the passphrase does not open ${path}`);
      expect(error.hint).toContain('KEYWARDEN_FILE_PASSPHRASE');
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['secrets.enc']);
  });

  test('a changed entry, or one moved to another account, fails its integrity check', async () => {
    const { store, path } = newStore();
    const kept = secret();
    await store.set('p/a', secret());
    await store.set('p/b', kept);
    const document = JSON.parse(readFileSync(path, 'utf8'));

    const data = Buffer.from(document.entries['p/a'].data, 'base64');
    data[0]! ^= 1;
    writeFileSync(
      path,
      JSON.stringify({
        ...document,
        entries: { ...document.entries, 'p/a': { ...document.entries['p/a'], data: data.toString('base64') } },
      }),
    );
    const changed = await rejection(newStore({ dir: join(path, '..') }).store.get('p/a'));
    expect(changed.message).toBe(
      `the entry for p/a in ${path} fails its integrity check: the file was changed outside keywarden, or is damaged`,
    );

    writeFileSync(
      path,
      JSON.stringify({ ...document, entries: { ...document.entries, 'p/c': document.entries['p/b'] } }),
    );
    const fresh = newStore({ dir: join(path, '..') }).store;
    await expect(fresh.get('p/c')).rejects.toThrow(/fails its integrity check/);
    expect(await fresh.get('p/b')).toBe(kept);
  });

  test('a file that is not a secrets file is a clear error and is left alone', async () => {
    const { store, path } = newStore();
    writeFileSync(path, 'not json at all');
    const error = await rejection(store.set('p/a', secret()));
    expect(error.message).toBe(`${path} is not a keywarden secrets file, or it is damaged`);
    expect(readFileSync(path, 'utf8')).toBe('not json at all');
  });

  test('check() proves the passphrase and the file, and changes nothing', async () => {
    const { store, path, dir } = newStore();
    await store.check();
    expect(readdirSync(dir)).toEqual([]); // there was no file, and there is none after

    const kept = secret();
    await store.set('p/a', kept);
    await store.check();
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).entries)).toEqual(['p/a']);
    expect(await store.get('p/a')).toBe(kept);
  });

  test('an empty passphrase is refused', async () => {
    const { store } = newStore({ passphrase: '' });
    const error = await rejection(store.set('p/a', secret()));
    expect(error.exitCode).toBe(ExitCode.usage);
  });

  test('two processes writing at once both keep their entries', async () => {
    assertBuilt();
    const { path } = newStore();
    const script = `
      const { EncryptedFileStore } = await import(process.argv[1]);
      const store = new EncryptedFileStore({ path: process.argv[2], passphrase: async () => process.env.TEST_PASSPHRASE });
      for (let i = 0; i < 6; i++) await store.set(process.argv[3] + '/' + i, 'secret-' + process.argv[3] + '-' + i);`;
    const writer = (name: string): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          ['--input-type=module', '-e', script, join(repoRoot, 'dist/secrets/file.js'), path, name],
          {
            env: { ...process.env, TEST_PASSPHRASE: passphrase },
            stdio: 'inherit',
          },
        );
        child.on('close', resolve);
      });
    // both start on a file that does not exist yet, so both also race to create it
    expect(await Promise.all([writer('left'), writer('right')])).toEqual([0, 0]);

    const reader = new EncryptedFileStore({ path, passphrase: async () => passphrase });
    for (const name of ['left', 'right']) {
      for (let i = 0; i < 6; i++) expect(await reader.get(`${name}/${i}`)).toBe(`secret-${name}-${i}`);
    }
    expect(readdirSync(join(path, '..'))).toEqual(['secrets.enc']);
  });

  test('a lock left by a process that is gone is taken over', async () => {
    const { store, path } = newStore();
    const gone = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['-e', '']);
      child.on('close', () => resolve(child.pid!));
    });
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: gone, host: (await import('node:os')).hostname(), token: 'stale' }),
    );
    const kept = secret();
    await store.set('p/a', kept);
    expect(await store.get('p/a')).toBe(kept);
    expect(readdirSync(join(path, '..'))).toEqual(['secrets.enc']);
  });
});

describe('withFileLock', () => {
  test('waits a bounded time for a live holder, then says who to blame', async () => {
    const dir = tempDir('kw-lock-');
    const target = join(dir, 'file');
    const order: string[] = [];
    let release!: () => void;
    const held = withFileLock(target, async () => {
      order.push('first in');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first out');
    });
    await expect.poll(() => order).toEqual(['first in']);

    const error = await rejection(withFileLock(target, async () => order.push('never'), { waitMs: 200 }));
    expect(error.message).toBe(`${target}.lock is held by another keywarden process`);

    const second = withFileLock(target, async () => order.push('second'));
    release();
    await Promise.all([held, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
