import { randomBytes } from 'node:crypto';
import { keychainAlternatives, runKeyringSteps, type KeyringResult, type KeyringStep } from './keychain-child.js';
import { secretService, SecretStoreError, type SecretStore } from './store.js';

export interface KeychainStoreOptions {
  /** how long one batch of keychain calls may take before its process is killed; default 5000 */
  timeoutMs?: number;
  /** the child's environment (it needs DBUS_SESSION_BUS_ADDRESS and the like, never keywarden's credentials); default process.env */
  env?: Record<string, string | undefined> | (() => Record<string, string | undefined>);
}

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret Service) through @napi-rs/keyring.
 * Every call runs in a child process (see keychain-child.ts), so a hung keychain daemon costs a timeout, not a hang.
 * Entries are found by account alone (the stored-secrets index says which exist), never by searching the keychain.
 */
export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private readonly timeoutMs: number;
  private readonly env: Record<string, string | undefined> | (() => Record<string, string | undefined>);

  constructor(options: KeychainStoreOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.env = options.env ?? process.env;
  }

  location(account: string): string {
    return `keychain:${secretService}/${account}`;
  }

  async check(): Promise<void> {
    const account = `keywarden-check/${randomBytes(6).toString('hex')}`;
    const probe = randomBytes(16).toString('hex');
    const [, readBack] = await this.run([
      { op: 'set', account, secret: probe },
      { op: 'get', account },
      { op: 'delete', account },
    ]);
    if (readBack !== probe)
      throw new SecretStoreError(
        'the OS keychain did not give back a test entry it had just stored',
        keychainAlternatives,
      );
  }

  async set(account: string, secret: string): Promise<void> {
    const [, readBack] = await this.run([
      { op: 'set', account, secret },
      { op: 'get', account },
    ]);
    if (readBack !== secret) {
      throw new SecretStoreError(
        `the OS keychain did not give back the secret just stored as ${this.location(account)}`,
        keychainAlternatives,
      );
    }
  }

  async get(account: string): Promise<string | undefined> {
    const [secret] = await this.run([{ op: 'get', account }]);
    return typeof secret === 'string' ? secret : undefined;
  }

  async delete(account: string): Promise<boolean> {
    const [deleted] = await this.run([{ op: 'delete', account }]);
    return deleted === true;
  }

  private async run(steps: KeyringStep[]): Promise<KeyringResult[]> {
    const env = typeof this.env === 'function' ? this.env() : this.env;
    const reply = await runKeyringSteps(steps, { env, timeoutMs: this.timeoutMs });
    if (reply.ok) return reply.results;
    if (reply.failure === 'no-native-binary') {
      throw new SecretStoreError(
        `the OS keychain module has no native binary for ${process.platform}-${process.arch}`,
        'reinstall keywarden without --omit=optional, or use --store file',
      );
    }
    throw keyringError(reply.message, steps[reply.step]?.account ?? '');
  }
}

/** A clear error from the keyring's own message, which is never passed on: the person sees only ours. */
export function keyringError(
  message: string,
  account: string,
  platform: NodeJS.Platform = process.platform,
): SecretStoreError {
  const where = `${secretService}/${account}`;
  if (
    platform === 'linux' &&
    /DBus|D-Bus|Failed to connect|org\.freedesktop\.secrets|DBUS_SESSION_BUS_ADDRESS|autolaunch/i.test(message)
  ) {
    return new SecretStoreError(
      'no Secret Service is reachable on the D-Bus session bus, so the OS keychain cannot be used',
      `start a keyring daemon such as gnome-keyring in this session, or ${keychainAlternatives}`,
    );
  }
  if (/Couldn't access platform|secure storage|locked/i.test(message)) {
    return new SecretStoreError(
      'the OS keychain refused access: it may be locked, or have no default keyring',
      `unlock it, or ${keychainAlternatives}`,
    );
  }
  if (/multiple credentials|ambiguous/i.test(message)) {
    return new SecretStoreError(
      `more than one OS keychain entry matches ${where}`,
      "remove the duplicates with the keychain's own tool",
    );
  }
  if (/longer than the platform limit|is invalid/i.test(message)) {
    return new SecretStoreError(`the OS keychain does not accept the account name of ${where}`);
  }
  if (/UTF-8/i.test(message)) {
    return new SecretStoreError(`the OS keychain entry ${where} does not hold text`);
  }
  return new SecretStoreError('the OS keychain failed', keychainAlternatives);
}
