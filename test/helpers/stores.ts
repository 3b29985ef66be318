import { SecretStoreError, type SecretStore } from '../../src/secrets/store.js';

/** A keychain that passes its probe and then refuses the secret: the case where a key exists and its secret has nowhere to go. */
export function storeFailingAfterCheck(reason: string): SecretStore {
  return {
    kind: 'keychain',
    location: (account) => `keychain:keywarden/${account}`,
    check: async () => undefined,
    set: async () => {
      throw new SecretStoreError(reason);
    },
    get: async () => undefined,
    delete: async () => false,
  };
}

/** A keychain in memory, for the tests where the OS keychain is not what is under test: each real call costs a process. */
export class MemoryKeychain implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly entries = new Map<string, string>();
  location = (account: string) => `keychain:keywarden/${account}`;
  check = async () => undefined;
  set = async (account: string, secret: string) => void this.entries.set(account, secret);
  get = async (account: string) => this.entries.get(account);
  delete = async (account: string) => this.entries.delete(account);
}
