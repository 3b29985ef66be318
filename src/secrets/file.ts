import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ExitCode, KeywardenError } from '../errors.js';
import { diskFiles, type Files } from '../util/fs.js';
import { withFileLock } from './file-lock.js';
import {
  deriveKey,
  newDocument,
  newKdfParams,
  openEntry,
  opensWith,
  parseDocument,
  sealEntry,
  serialise,
  type KdfParams,
  type SecretsDocument,
} from './file-format.js';
import { SecretStoreError, type SecretStore } from './store.js';

export interface EncryptedFileStoreOptions {
  path: string;
  /** asked at most once per store, when the file is first opened or created (`newFile`: it is about to be made) */
  passphrase: (newFile: boolean) => Promise<string>;
  files?: Files;
}

interface Opened {
  document: SecretsDocument;
  key: Buffer;
}

/**
 * Secrets in one file, each sealed with AES-256-GCM under a key scrypt derives from a passphrase (see
 * file-format.ts). Changes are read-modify-write cycles under a lock file, so concurrent processes lose nothing,
 * and land with an atomic rename, so the file is never half-written.
 */
export class EncryptedFileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly path: string;
  private readonly askPassphrase: (newFile: boolean) => Promise<string>;
  private readonly files: Files;
  private passphrase: Promise<string> | undefined;
  /** scrypt is slow on purpose: one key per salt and parameters, derived once */
  private readonly keys = new Map<string, Promise<Buffer>>();
  /** the parameters for a file yet to be created, so that check() and set() derive one key between them */
  private freshKdf: KdfParams | undefined;

  constructor(options: EncryptedFileStoreOptions) {
    this.path = options.path;
    this.askPassphrase = options.passphrase;
    this.files = options.files ?? diskFiles;
  }

  location(account: string): string {
    return `file:${this.path}#${account}`;
  }

  /** Proves the passphrase opens the file and that the file can be written; leaves it as it was. */
  async check(): Promise<void> {
    const account = `keywarden-check/${randomBytes(6).toString('hex')}`;
    const probe = randomBytes(16).toString('hex');
    await this.locked(async () => {
      const existing = await this.open();
      const { document, key } = existing ?? (await this.create());
      document.entries.set(account, sealEntry(key, account, probe));
      try {
        await this.writeAndReadBack(document, key, account, probe);
      } finally {
        document.entries.delete(account);
        if (existing) await this.write(document);
        else await rm(this.path, { force: true });
      }
    });
  }

  async set(account: string, secret: string): Promise<void> {
    await this.locked(async () => {
      const { document, key } = (await this.open()) ?? (await this.create());
      document.entries.set(account, sealEntry(key, account, secret));
      await this.writeAndReadBack(document, key, account, secret);
    });
  }

  async get(account: string): Promise<string | undefined> {
    const opened = await this.open();
    const box = opened?.document.entries.get(account);
    if (!opened || !box) return undefined;
    const secret = openEntry(opened.key, account, box);
    if (secret === undefined) throw this.damagedEntry(account);
    return secret;
  }

  async delete(account: string): Promise<boolean> {
    return this.locked(async () => {
      const opened = await this.open();
      if (!opened?.document.entries.delete(account)) return false;
      await this.write(opened.document);
      return true;
    });
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(this.path, work, { files: this.files });
  }

  /** The file and its key, after the passphrase is proved right; undefined when there is no file yet. */
  private async open(): Promise<Opened | undefined> {
    const text = await this.readText();
    if (text === undefined) return undefined;
    const document = parseDocument(text, this.path);
    const key = await this.key(document.kdf, false);
    if (!opensWith(document, key)) {
      throw new SecretStoreError(
        `the passphrase does not open ${this.path}`,
        'check KEYWARDEN_FILE_PASSPHRASE, or give the passphrase the file was created with',
        ExitCode.usage,
      );
    }
    return { document, key };
  }

  private async create(): Promise<Opened> {
    this.freshKdf ??= newKdfParams();
    const key = await this.key(this.freshKdf, true);
    return { document: newDocument(this.freshKdf, key), key };
  }

  private key(kdf: KdfParams, newFile: boolean): Promise<Buffer> {
    const id = `${kdf.salt}:${kdf.N}:${kdf.r}:${kdf.p}`;
    let key = this.keys.get(id);
    if (!key) {
      key = this.passphraseText(newFile).then((passphrase) => deriveKey(passphrase, kdf));
      this.keys.set(id, key);
    }
    return key;
  }

  private passphraseText(newFile: boolean): Promise<string> {
    this.passphrase ??= this.askPassphrase(newFile).then((passphrase) => {
      if (passphrase === '')
        throw new SecretStoreError(
          `the passphrase for ${this.path} is empty`,
          'set KEYWARDEN_FILE_PASSPHRASE, or type one',
          ExitCode.usage,
        );
      return passphrase;
    });
    return this.passphrase;
  }

  private async writeAndReadBack(
    document: SecretsDocument,
    key: Buffer,
    account: string,
    secret: string,
  ): Promise<void> {
    await this.write(document);
    const text = await this.readText();
    const box = text === undefined ? undefined : parseDocument(text, this.path).entries.get(account);
    if (!box || openEntry(key, account, box) !== secret) {
      throw new SecretStoreError(
        `${this.location(account)} did not read back as it was written`,
        'check the disk and the file system',
      );
    }
  }

  private async readText(): Promise<string | undefined> {
    try {
      return this.files.readPrivate(this.path);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      throw new SecretStoreError(`cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  private async write(document: SecretsDocument): Promise<void> {
    try {
      await this.files.writeAtomic(this.path, serialise(document), 0o600);
    } catch (error) {
      throw new SecretStoreError(`cannot write ${this.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  private damagedEntry(account: string): SecretStoreError {
    return new SecretStoreError(
      `the entry for ${account} in ${this.path} fails its integrity check: the file was changed outside keywarden, or is damaged`,
      'restore the file from a backup, or revoke the key and create a new one',
    );
  }
}
