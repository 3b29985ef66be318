import { diskFiles, type Files } from '../util/fs.js';
import { Redactor } from './redactor.js';
import { withFileLock } from './file-lock.js';
import { KeywardenError, reasonOf } from '../errors.js';
import { SecretStoreError, type StoreKind } from './store.js';

export interface StoredSecret {
  store: StoreKind;
  /** ISO 8601 */
  stored_at: string;
}

/**
 * Which accounts keywarden has stored, and in which store: a plain JSON file (no secrets in it) in the state dir,
 * `stored-secrets.json`. With it nothing ever has to search a keychain (which can hang) to find keywarden's entries.
 */
export class StoredIndex {
  private readonly redactor: Redactor;
  private readonly files: Files;

  constructor(
    readonly path: string,
    options: { redactor?: Redactor; files?: Files } = {},
  ) {
    this.redactor = options.redactor ?? new Redactor();
    this.files = options.files ?? diskFiles;
  }

  async add(account: string, store: StoreKind, storedAt: Date = new Date()): Promise<void> {
    await this.update((entries) => {
      entries.set(account, { store, stored_at: storedAt.toISOString() });
      return true;
    });
  }

  /** true when the account was in the index */
  async remove(account: string): Promise<boolean> {
    return this.update((entries) => entries.delete(account));
  }

  lookup(account: string): StoredSecret | undefined {
    return this.read().get(account);
  }

  /** every entry, by account */
  list(): Array<{ account: string } & StoredSecret> {
    const entries = [...this.read()].map(([account, entry]) => ({ account, ...entry }));
    return entries.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  }

  /** Runs `change` on the entries under the lock, and writes them when it says it changed something. */
  private async update(change: (entries: Map<string, StoredSecret>) => boolean): Promise<boolean> {
    return withFileLock(
      this.path,
      async () => {
        const entries = this.read();
        const changed = change(entries);
        if (changed) await this.write(entries);
        return changed;
      },
      { files: this.files },
    );
  }

  private async write(entries: Map<string, StoredSecret>): Promise<void> {
    try {
      await this.files.writeAtomic(
        this.path,
        this.redactor.redact(`${JSON.stringify({ version: 1, secrets: Object.fromEntries(entries) }, null, 2)}\n`),
        0o600,
      );
    } catch (error) {
      throw new SecretStoreError(`cannot write ${this.path}: ${reasonOf(error)}`);
    }
  }

  /** Read synchronously: the file is small, and lookups then need no await. */
  private read(): Map<string, StoredSecret> {
    let text: string | undefined;
    try {
      text = this.files.readPrivate(this.path);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      throw new SecretStoreError(`cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (text === undefined) return new Map();
    const entries = new Map<string, StoredSecret>();
    try {
      const document = JSON.parse(text) as { version?: unknown; secrets?: Record<string, Record<string, unknown>> };
      for (const [account, entry] of Object.entries(document.secrets ?? {})) {
        if ((entry.store !== 'keychain' && entry.store !== 'file') || typeof entry.stored_at !== 'string')
          throw new Error('bad entry');
        entries.set(account, { store: entry.store, stored_at: entry.stored_at });
      }
    } catch {
      throw new SecretStoreError(
        `${this.path} is not a valid index of stored secrets`,
        'fix or remove it (it holds no secret, only which keys have one stored)',
      );
    }
    return entries;
  }
}
