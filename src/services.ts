import { join } from 'node:path';
import { ConfigStore } from './config/config.js';
import type { Dirs } from './config/paths.js';
import type { HttpClient } from './http/client.js';
import type { RetryPolicy } from './http/retry.js';
import { SecretKeeper } from './secrets/keeper.js';
import type { Redactor } from './secrets/redactor.js';
import type { SecretStore, StoreKind } from './secrets/store.js';
import type { StoredIndex } from './secrets/stored-index.js';
import type { Settings } from './settings.js';
import type { Files } from './util/fs.js';

export interface ServiceOptions {
  env: Record<string, string | undefined>;
  dirs: Dirs;
  files: Files;
  redactor: Redactor;
  settings: Settings;
  signal: AbortSignal;
  retryPolicy?: RetryPolicy | undefined;
  /** injected by tests; the real stores are made on first use */
  secretStores?: Partial<Record<StoreKind, SecretStore>> | undefined;
  /** the encrypted file's passphrase, from the environment or asked for (twice for a new file) */
  filePassphrase: (newFile: boolean) => Promise<string>;
  /** the child processes' environment: keywarden's own credentials left out */
  childEnv: () => NodeJS.ProcessEnv;
  notice: (line: string) => void;
  warn: (line: string) => void;
  debug?: ((line: string) => void) | undefined;
  retrying: (line: string) => void;
}

/**
 * What a command works with besides the terminal: the config file, the secret keeper and its stores, and the HTTP
 * client. Each is made when first used, so a command that sends no request never loads undici and one that
 * stores no secret never starts a keychain helper.
 */
export class Services {
  readonly config: ConfigStore;
  readonly keeper: SecretKeeper;
  private httpClient: HttpClient | undefined;
  private readonly stores = new Map<StoreKind, SecretStore>();
  private index: StoredIndex | undefined;

  constructor(private readonly options: ServiceOptions) {
    this.config = new ConfigStore(options.dirs.config, { redactor: options.redactor, files: options.files });
    this.keeper = new SecretKeeper({
      redactor: options.redactor,
      store: (kind) => this.secretStore(kind),
      index: () => this.storedIndex(),
      env: options.env,
      debug: (line) => options.debug?.(line),
      warn: options.warn,
    });
  }

  /** The run's one HTTP client. */
  async http(): Promise<HttpClient> {
    if (!this.httpClient) {
      const { HttpClient } = await import('./http/client.js');
      const { settings, debug } = this.options;
      this.httpClient = new HttpClient({
        timeoutMs: settings.timeoutMs,
        maxResponseBytes: settings.maxResponseBytes,
        notice: this.options.notice,
        retrying: this.options.retrying,
        trace: debug,
        retry: this.options.retryPolicy,
        signal: this.options.signal,
      });
    }
    return this.httpClient;
  }

  private async secretStore(kind: StoreKind): Promise<SecretStore> {
    const injected = this.options.secretStores?.[kind];
    if (injected) return injected;
    let store = this.stores.get(kind);
    if (!store) {
      if (kind === 'keychain') {
        const { KeychainStore } = await import('./secrets/keychain.js');
        store = new KeychainStore({ env: this.options.childEnv });
      } else {
        const { EncryptedFileStore } = await import('./secrets/file.js');
        store = new EncryptedFileStore({
          path: join(this.options.dirs.data, 'secrets.enc'),
          passphrase: this.options.filePassphrase,
          files: this.options.files,
        });
      }
      this.stores.set(kind, store);
    }
    return store;
  }

  /** Which accounts keywarden stored where: a non-secret index, so nothing has to search the keychain. */
  private async storedIndex(): Promise<StoredIndex> {
    if (!this.index) {
      const { StoredIndex } = await import('./secrets/stored-index.js');
      this.index = new StoredIndex(join(this.options.dirs.state, 'stored-secrets.json'), {
        redactor: this.options.redactor,
        files: this.options.files,
      });
    }
    return this.index;
  }

  async close(): Promise<void> {
    await this.httpClient?.close();
  }
}
