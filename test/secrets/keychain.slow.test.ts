import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { keyringError, KeychainStore } from '../../src/secrets/keychain.js';
import { SecretStoreError } from '../../src/secrets/store.js';
import { assertBuilt, repoRoot } from '../helpers/binary.js';
import { keychainAvailable, secretServiceMissing, secretToolLookup } from '../helpers/keychain.js';

const missing = secretServiceMissing();

const run = promisify(execFile);

const uniqueAccount = (): string => `test-${randomBytes(6).toString('hex')}/key_${randomBytes(4).toString('hex')}`;
/** a secret with characters that break naive quoting or encoding */
const uniqueSecret = (): string => `sk_live_${randomBytes(12).toString('hex')} "quoted" ünïcødé\nsecond line`;

async function secretToolStore(account: string, secret: string): Promise<void> {
  const child = execFile(
    'secret-tool',
    ['store', '--label', `test ${account}`, 'service', 'keywarden', 'username', account],
    { timeout: 5_000 },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin!.end(secret);
  expect(await exited).toBe(0);
}

/** The store's error, after checking it is a SecretStoreError that shows no secret anywhere. */
async function storeError(promise: Promise<unknown>, ...secrets: string[]): Promise<SecretStoreError> {
  const error = await promise.then(
    () => expect.unreachable('should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretStoreError);
  const shown = error as SecretStoreError;
  for (const secret of secrets) {
    for (const text of [shown.message, shown.hint ?? '', shown.stack ?? '']) expect(text).not.toContain(secret);
  }
  return shown;
}

describe.runIf(keychainAvailable())(
  `KeychainStore against a real Secret Service${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const store = new KeychainStore();
    const accounts: string[] = [];
    const account = (): string => {
      const name = uniqueAccount();
      accounts.push(name);
      return name;
    };

    afterAll(async () => {
      await Promise.all(
        accounts.map((name) =>
          run('secret-tool', ['clear', 'service', 'keywarden', 'username', name]).catch(() => undefined),
        ),
      );
    });

    test('what set() stores, another client reads under service keywarden and username <account>', async () => {
      const name = account();
      const secret = uniqueSecret();
      await store.set(name, secret);
      expect(secretToolLookup(name)).toBe(secret);
      expect(await store.get(name)).toBe(secret);
      expect(store.location(name)).toBe(`keychain:keywarden/${name}`);

      const replacement = uniqueSecret();
      await store.set(name, replacement);
      expect(secretToolLookup(name)).toBe(replacement);
    });

    test('get() reads what another client stored', async () => {
      const name = account();
      const secret = uniqueSecret();
      await secretToolStore(name, secret);
      expect(await store.get(name)).toBe(secret);
    });

    test('delete() removes the entry, and says whether there was one', async () => {
      const name = account();
      await store.set(name, uniqueSecret());
      expect(await store.delete(name)).toBe(true);
      expect(secretToolLookup(name)).toBeUndefined();
      expect(await store.get(name)).toBeUndefined();
      expect(await store.delete(name)).toBe(false);
    });

    test('get() of an account never stored is undefined', async () => {
      expect(await store.get(uniqueAccount())).toBeUndefined();
    });

    test('check() passes', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });

    test('works from the built dist/ and from any cwd', async () => {
      assertBuilt();
      const name = account();
      const secret = uniqueSecret();
      const script = `
      const { KeychainStore } = await import(process.argv[1]);
      const input = await new Promise((resolve) => { let text = ''; process.stdin.on('data', (c) => (text += c)); process.stdin.on('end', () => resolve(text)); });
      await new KeychainStore().set(process.argv[2], input);`;
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', script, join(repoRoot, 'dist/secrets/keychain.js'), name],
        {
          cwd: tmpdir(),
          timeout: 10_000,
        },
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stdin!.end(secret);
      expect(await exited).toBe(0);
      expect(secretToolLookup(name)).toBe(secret);
    });
  },
);

describe.runIf(process.platform === 'linux')('KeychainStore without a usable Secret Service', () => {
  let dir: string;
  let deadBus: Server;
  const connections: Socket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-dead-bus-'));
    // accepts connections and never says a word: what a hung D-Bus daemon looks like to a client
    deadBus = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => deadBus.listen(join(dir, 'bus'), resolve));
  });

  afterAll(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => deadBus.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    for (const socket of connections.splice(0)) socket.destroy();
  });

  test('a bus that never answers times out within the configured time, with a clear error', async () => {
    const store = new KeychainStore({
      timeoutMs: 600,
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}` },
    });
    const secret = uniqueSecret();
    for (const attempt of [
      () => store.set(uniqueAccount(), secret),
      () => store.get(uniqueAccount()),
      () => store.check(),
    ]) {
      const started = Date.now();
      const error = await storeError(attempt(), secret);
      expect(Date.now() - started).toBeLessThan(600 + 2_500);
      expect(error.message).toBe('the OS keychain did not answer in time (0.6s)');
      expect(error.hint).toMatch(/--store file.*--deliver CMD.*--reveal/);
    }
    expect(connections.length).toBeGreaterThan(0); // the child did reach the dead bus
  });

  test('a bus address with nothing behind it is a clear error naming the alternatives', async () => {
    const store = new KeychainStore({
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'nothing-here')}` },
    });
    const secret = uniqueSecret();
    for (const attempt of [() => store.set(uniqueAccount(), secret), () => store.check()]) {
      const error = await storeError(attempt(), secret);
      expect(error.message).toBe(
        'no Secret Service is reachable on the D-Bus session bus, so the OS keychain cannot be used',
      );
      expect(error.hint).toContain('--store file');
      expect(error.hint).toContain('--deliver CMD');
      expect(error.hint).toContain('--reveal');
      expect(error.exitCode).toBe(1);
    }
  });
});

describe('KeychainStore errors', () => {
  test('a keyring module without its native binary (npm install --omit=optional) is a clear error', async () => {
    // the loader then tries only this path, as if no platform package had been installed
    const store = new KeychainStore({
      env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: join(tmpdir(), 'no-such-keyring.node') },
    });
    const secret = uniqueSecret();
    const error = await storeError(store.set(uniqueAccount(), secret), secret);
    expect(error.message).toBe(`the OS keychain module has no native binary for ${process.platform}-${process.arch}`);
    expect(error.hint).toBe('reinstall keywarden without --omit=optional, or use --store file');
  });

  test.each([
    [
      'Platform failure: DBus error: Failed to connect to socket /run/x: No such file or directory',
      /^no Secret Service is reachable/,
    ],
    [
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      /^no Secret Service is reachable/,
    ],
    ["Couldn't access platform storage: Secret Service: no result found", /^the OS keychain refused access/],
    ['Entry is matched by multiple credentials: [..]', /^more than one OS keychain entry matches keywarden\/p\/k$/],
    [
      "Attribute 'username' is longer than the platform limit of 255 chars",
      /^the OS keychain does not accept the account name of keywarden\/p\/k$/,
    ],
    ['Password data is not valid UTF-8', /^the OS keychain entry keywarden\/p\/k does not hold text$/],
    ['something nobody expected: sk_live_leaked', /^the OS keychain failed$/],
  ])('the keyring message %j becomes our own', (raw, expected) => {
    const error = keyringError(raw, 'p/k', 'linux');
    expect(error.message).toMatch(expected);
    expect(`${error.message} ${error.hint ?? ''}`).not.toContain(raw);
  });
});
