import type { KeyRecord, ListQuery, Provider } from './types.js';

/**
 * Every key of a provider once, as pages arrive: pages that overlap or shift while we list (a key created or
 * revoked meanwhile) must not yield a key twice.
 */
export async function* uniqueKeys(provider: Provider, query: ListQuery = {}): AsyncIterable<KeyRecord> {
  const seen = new Set<string>();
  for await (const page of provider.listPages(query)) {
    for (const key of page) {
      if (seen.has(key.id)) continue;
      seen.add(key.id);
      yield key;
    }
  }
}

export async function allKeys(provider: Provider, query: ListQuery = {}): Promise<KeyRecord[]> {
  const keys: KeyRecord[] = [];
  for await (const key of uniqueKeys(provider, query)) keys.push(key);
  return keys;
}
