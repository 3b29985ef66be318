import type { Key } from '../providers/types.js';
import { csvRow } from './csv.js';
import { inert } from './inert.js';

/** The contract's field order for a key in json, ndjson and csv. */
export const keyFields = [
  'provider', 'profile', 'id', 'name', 'status', 'created_at', 'last_used_at', 'expires_at', 'revoked_at',
  'prefix', 'hint', 'environment', 'scopes', 'owner', 'ip_allowlist', 'usage_tracked',
] as const satisfies readonly (keyof Key)[];

export const keyCsvHeader = csvRow([...keyFields]);

export function keyCsvRow(key: Key): string {
  return csvRow(keyFields.map((field) => key[field]));
}

/** A key as people recognise it, inert: its id, and its name where it has one. */
export function describeKey(key: Pick<Key, 'id' | 'name'>): string {
  return inert(`${key.id}${key.name ? ` (${key.name})` : ''}`);
}
