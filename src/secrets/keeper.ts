import type { CreatedKey, KeyRecord } from '../providers/types.js';
import type { Redactor } from './redactor.js';
import { recordWithoutSecret } from '../providers/without-secret.js';
import { Secret } from './secret.js';
import { keyAccount, type SecretStore, type StoreKind } from './store.js';
import type { StoredIndex } from './stored-index.js';

/** Where a profile's secrets go, as far as the keeper needs to know. */
export interface ProfileStore {
  name: string;
  store?: StoreKind;
}

export interface KeeperDeps {
  redactor: Redactor;
  /** the store of a kind, made on first use */
  store: (kind: StoreKind) => Promise<SecretStore>;
  index: () => Promise<StoredIndex>;
  env: Record<string, string | undefined>;
  debug: (line: string) => void;
  warn: (line: string) => void;
}

/** `KEYWARDEN_TOKEN_<PROFILE>`: the profile upper-cased, every other character as `_`. */
export function tokenEnvName(profile: string): string {
  return `KEYWARDEN_TOKEN_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The one keeper every secret passes through: new keys' secrets, admin tokens and the file passphrase. It registers
 * each value it sees with the redactor before anything can print it, takes the secret out of a created key's
 * record, and writes a store and the index of stored secrets together, so that what is stored can always be found
 * and deleted again.
 */
export class SecretKeeper {
  constructor(private readonly deps: KeeperDeps) {}

  /** Registers a value that must never appear in output: a token, a passphrase, a value read for a manifest. */
  taint(value: string | undefined | null): void {
    this.deps.redactor.add(value);
  }

  /** A create answer as a key record without the secret in any field, and the secret, tainted. */
  accept(created: CreatedKey): { record: KeyRecord; secret: Secret } {
    const value = created.secret.expose();
    this.taint(value);
    return { record: recordWithoutSecret(created.key, value), secret: created.secret };
  }

  /** The store of a kind, proved able to take a secret (a probe written, read back and deleted). */
  async usableStore(kind: StoreKind): Promise<SecretStore> {
    const store = await this.deps.store(kind);
    await store.check();
    return store;
  }

  /**
   * Stores a key's secret. The index learns of the entry first, so a secret that reaches a store is always one a
   * later revoke finds and deletes; if the store then fails, the index forgets it again. Returns the location.
   */
  async keep(store: SecretStore, profile: string, keyId: string, secret: Secret): Promise<string> {
    return this.write(store, keyAccount(profile, keyId), secret.expose());
  }

  /** A key's stored secret, tainted; undefined when the store has none. */
  async read(store: SecretStore, profile: string, keyId: string): Promise<Secret | undefined> {
    const value = await store.get(keyAccount(profile, keyId));
    if (value === undefined) return undefined;
    this.taint(value);
    return new Secret(value);
  }

  /** The ids of a profile's keys whose secrets are stored, as the index of stored secrets lists them. */
  async storedKeyIds(profile: string): Promise<Set<string>> {
    const start = keyAccount(profile, '');
    return new Set(
      (await this.deps.index())
        .list()
        .filter((entry) => entry.account.startsWith(start))
        .map((entry) => entry.account.slice(start.length)),
    );
  }

  /** A key's stored secret, from the store the index names, tainted; undefined when there is none. */
  async storedSecret(profile: string, keyId: string): Promise<Secret | undefined> {
    const entry = (await this.deps.index()).lookup(keyAccount(profile, keyId));
    return entry ? this.read(await this.deps.store(entry.store), profile, keyId) : undefined;
  }

  /**
   * Deletes the stored secret of a key that was just revoked, wherever the index says it is. A failure is a
   * warning: the key is gone either way.
   */
  async forgetRevoked(profile: string, keyId: string): Promise<void> {
    try {
      await this.remove(keyAccount(profile, keyId));
    } catch (error) {
      this.deps.warn(`${keyId} is revoked but its stored secret was not deleted: ${(error as Error).message}`);
    }
  }

  /** The admin token from the environment (KEYWARDEN_TOKEN_<P>, then KEYWARDEN_TOKEN), else from the secret store. */
  async adminToken(profile: ProfileStore): Promise<string | undefined> {
    const token =
      this.deps.env[tokenEnvName(profile.name)] ||
      this.deps.env.KEYWARDEN_TOKEN ||
      (await this.storedAdminToken(profile));
    this.taint(token);
    return token || undefined;
  }

  /** Stores a profile's admin token (account <profile>); returns where. */
  async keepAdminToken(profile: ProfileStore, token: string): Promise<string> {
    this.taint(token);
    return this.write(await this.deps.store(profile.store ?? 'keychain'), profile.name, token);
  }

  /**
   * Removes a profile's stored admin token; true when there was one. The profile's store is asked even where the
   * index knows no token, unless `indexedOnly`.
   */
  async forgetAdminToken(profile: ProfileStore, options: { indexedOnly?: boolean } = {}): Promise<boolean> {
    return this.remove(profile.name, options.indexedOnly ? undefined : (profile.store ?? 'keychain'));
  }

  /**
   * The admin token kept in the secret store for a profile, if any. The keychain is always asked; the file store
   * only when the index says a token is there (it would need a passphrase).
   */
  private async storedAdminToken(profile: ProfileStore): Promise<string | undefined> {
    const entry = (await this.deps.index()).lookup(profile.name);
    const kind = entry?.store ?? profile.store ?? 'keychain';
    if (!entry && kind === 'file') return undefined;
    try {
      return await (await this.deps.store(kind)).get(profile.name);
    } catch (error) {
      if (entry) throw error;
      this.deps.debug(`no stored admin token for ${profile.name}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The index learns of an entry before the store holds it, and forgets it again if the store fails. */
  private async write(store: SecretStore, account: string, value: string): Promise<string> {
    const index = await this.deps.index();
    await index.add(account, store.kind);
    try {
      await store.set(account, value);
    } catch (error) {
      await index.remove(account).catch(() => undefined);
      throw error;
    }
    return store.location(account);
  }

  /** Deletes an entry from the store the index names (or `fallback`, for an entry the index does not know). */
  private async remove(account: string, fallback?: StoreKind): Promise<boolean> {
    const index = await this.deps.index();
    const kind = index.lookup(account)?.store ?? fallback;
    if (kind === undefined) return false;
    const removed = await (await this.deps.store(kind)).delete(account);
    await index.remove(account);
    return removed;
  }
}
