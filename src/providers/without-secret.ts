import type { KeyRecord } from '../providers/types.js';

/** How much of a secret a key record may show where a provider put the whole of it. */
const visiblePrefix = (secret: string): string => secret.slice(0, Math.min(8, Math.floor(secret.length / 4)));
const visibleHint = (secret: string): string => secret.slice(-4);

/**
 * A key record from a create answer, with the secret in no field. Many APIs return the whole secret at create in
 * the field their listing shows truncated, and a manifest may map any field anywhere: a field that holds the
 * secret, or a string containing it, is cut to the short visible part such fields are for (the prefix, the last
 * four characters), or dropped. The id is the one field kept as it is, since the key cannot be managed without
 * it; an id holding the secret is still masked in everything keywarden writes.
 */
export function recordWithoutSecret(record: KeyRecord, secret: string): KeyRecord {
  const holds = (value: string | null): boolean => value !== null && value.includes(secret);
  const drop = (value: string | null): string | null => (holds(value) ? null : value);
  const keepList = (values: string[]): string[] => values.filter((value) => !value.includes(secret));
  return {
    ...record,
    name: drop(record.name),
    prefix: holds(record.prefix) ? visiblePrefix(secret) : record.prefix,
    hint: holds(record.hint) ? visibleHint(secret) : record.hint,
    environment: drop(record.environment),
    owner: drop(record.owner),
    scopes: keepList(record.scopes),
    ip_allowlist: record.ip_allowlist === null ? null : keepList(record.ip_allowlist),
  };
}
