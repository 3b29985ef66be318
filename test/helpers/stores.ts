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
