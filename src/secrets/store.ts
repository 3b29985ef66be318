import { KeywardenError, ExitCode } from '../errors.js';

/** The service name of every keywarden entry in a secret store. */
export const secretService = 'keywarden';

/** The account of a created key's secret: `<profile>/<key id>`. The admin token's account is the profile name. */
export function keyAccount(profile: string, keyId: string): string {
  return `${profile}/${keyId}`;
}

export type StoreKind = 'keychain' | 'file';

/**
 * One place secrets can be kept. Every method may throw SecretStoreError; none ever puts a secret in an error
 * message. Implementations: the OS keychain (src/secrets/keychain.ts) and an encrypted file (src/secrets/file.ts).
 */
export interface SecretStore {
  readonly kind: StoreKind;
  /** where an account's entry lives, as keywarden prints it: `keychain:keywarden/<account>` or `file:<path>#<account>` */
  location(account: string): string;
  /** writes and deletes a probe entry: proves the store can take a secret before a key is created */
  check(): Promise<void>;
  /** stores a secret and reads it back; throws unless what is read back is what was written */
  set(account: string, secret: string): Promise<void>;
  get(account: string): Promise<string | undefined>;
  /** true when an entry was there and is gone */
  delete(account: string): Promise<boolean>;
}

/** The store cannot be used: unreachable keychain, missing native binary, wrong passphrase, a failed read-back. */
export class SecretStoreError extends KeywardenError {
  constructor(message: string, hint?: string, exitCode: ExitCode = ExitCode.failure) {
    super(message, exitCode, hint);
  }
}

/** What the OS keychain is called where keywarden runs. */
export function keyringBackend(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'the Windows Credential Manager';
  return 'the Secret Service (D-Bus)';
}
