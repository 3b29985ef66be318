import { spawnSync } from 'node:child_process';
import type { SecretStore } from '../../src/secrets/store.js';
import { MemoryKeychain } from './stores.js';

/**
 * Why the real Secret Service tests cannot run here, or undefined when they can. They only ever write to the
 * private, throwaway Secret Service that scripts/with-keyring.sh starts (npm test runs it), never to a person's own.
 */
export function secretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'they drive the Linux Secret Service';
  if (process.env.KEYWARDEN_PRIVATE_KEYRING !== '1') {
    return 'not inside scripts/with-keyring.sh (npm test runs it), which starts a private Secret Service to write to';
  }
  const owner = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ],
    { encoding: 'utf8', timeout: 5_000 },
  );
  if (owner.error || !owner.stdout.includes('boolean true'))
    return 'no Secret Service owns org.freedesktop.secrets on the session bus';
  if (spawnSync('secret-tool', [], { timeout: 5_000 }).error) return 'secret-tool (libsecret-tools) is not installed';
  return undefined;
}

/**
 * Whether the keychain tests run. Under KEYWARDEN_REQUIRE_KEYCHAIN=1, as in CI, a missing Secret Service fails the
 * test file instead of skipping its keychain tests.
 */
export function keychainAvailable(): boolean {
  const missing = secretServiceMissing();
  if (missing && process.env.KEYWARDEN_REQUIRE_KEYCHAIN === '1') {
    throw new Error(`KEYWARDEN_REQUIRE_KEYCHAIN=1 but the keychain tests cannot run: ${missing}`);
  }
  return missing === undefined;
}

/** Reads an entry the way another program would: `secret-tool lookup service keywarden username <account>`. */
export function secretToolLookup(account: string): string | undefined {
  const result = spawnSync('secret-tool', ['lookup', 'service', 'keywarden', 'username', account], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  return result.status === 0 ? result.stdout : undefined;
}

/**
 * The keychain that runCli's commands use in this test file: one in memory, so that a test whose subject is not the
 * keychain spends no keychain process per call; a file that tests the keychain itself calls useRealKeychain().
 * test/helpers/file-setup.ts resets it before each file.
 */
const memoryKeychain = new MemoryKeychain();
let realKeychain = false;

export function useRealKeychain(): void {
  realKeychain = true;
}

/** A new test file starts with the in-memory keychain, empty. */
export function resetTestKeychain(): void {
  realKeychain = false;
  memoryKeychain.entries.clear();
}

export function testKeychain(): SecretStore | undefined {
  return realKeychain ? undefined : memoryKeychain;
}

/** The secret stored for an account in the keychain this file's commands use. */
export function storedInKeychain(account: string): string | undefined {
  return realKeychain ? secretToolLookup(account) : memoryKeychain.entries.get(account);
}
