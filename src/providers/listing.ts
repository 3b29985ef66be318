import type { Key, KeyRecord, Provider } from './types.js';

/**
 * Every key of a provider once, as pages arrive: pages that overlap or shift while we list (a key created or
 * revoked meanwhile) must not yield a key twice.
 */
export async function* uniqueKeys(provider: Provider): AsyncIterable<KeyRecord> {
  for await (const page of uniquePages(provider)) yield* page;
}

/** uniqueKeys a page at a time, for callers that handle a page in one go (one write to stdout, not one a key). */
export async function* uniquePages(provider: Provider): AsyncIterable<KeyRecord[]> {
  const seen = new Set<string>();
  for await (const page of provider.listPages()) {
    const fresh: KeyRecord[] = [];
    for (const key of page) {
      if (seen.has(key.id)) continue;
      seen.add(key.id);
      fresh.push(key);
    }
    yield fresh;
  }
}

export async function allKeys(provider: Provider): Promise<KeyRecord[]> {
  const keys: KeyRecord[] = [];
  for await (const key of uniqueKeys(provider)) keys.push(key);
  return keys;
}

/** Every key of a provider once, as keys of one profile. */
export async function profileKeys(provider: Provider, profile: string): Promise<Key[]> {
  const keys: Key[] = [];
  for await (const record of uniqueKeys(provider)) keys.push(withProfile(provider.id, profile, record));
  return keys;
}

/**
 * A key as keywarden shows it: where it came from, then the record, in the order of the README's key document.
 * Written out field by field, which V8 makes far faster than a spread after other fields, for every key listed.
 */
export function withProfile(provider: string, profile: string, record: KeyRecord): Key {
  return {
    provider,
    profile,
    id: record.id,
    name: record.name,
    status: record.status,
    created_at: record.created_at,
    last_used_at: record.last_used_at,
    expires_at: record.expires_at,
    revoked_at: record.revoked_at,
    prefix: record.prefix,
    hint: record.hint,
    environment: record.environment,
    scopes: record.scopes,
    owner: record.owner,
    ip_allowlist: record.ip_allowlist,
    usage_tracked: record.usage_tracked,
  };
}

/**
 * Keys of a name created since a moment (less a minute for clock skew): what a create whose answer was lost may
 * have left behind.
 */
export async function keysCreatedSince(provider: Provider, name: string, since: Date): Promise<KeyRecord[]> {
  return activeKeysCreatedBetween(provider, name, since.getTime() - 60_000, Infinity);
}

/** Active keys created between two moments (ms), of one name, or of any where `name` is null. */
export async function activeKeysCreatedBetween(
  provider: Provider,
  name: string | null,
  from: number,
  to: number,
): Promise<KeyRecord[]> {
  const found: KeyRecord[] = [];
  for await (const key of uniqueKeys(provider)) {
    if (key.status !== 'active' || key.created_at === null || (name !== null && key.name !== name)) continue;
    const created = Date.parse(key.created_at);
    if (created >= from && created <= to) found.push(key);
  }
  return found;
}
