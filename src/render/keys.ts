import type { Key } from '../providers/types.js';
import { inert } from './inert.js';
import type { RecordsView, ViewColumn } from './present.js';

/** The field order of a key in json, ndjson and csv. */
export const keyFields = [
  'provider',
  'profile',
  'id',
  'name',
  'status',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
  'prefix',
  'hint',
  'environment',
  'scopes',
  'owner',
  'ip_allowlist',
  'usage_tracked',
] as const satisfies readonly (keyof Key)[];

/** A key as people recognise it, inert: its id, and its name where it has one. */
export function describeKey(key: Pick<Key, 'id' | 'name'>): string {
  return inert(`${key.id}${key.name ? ` (${key.name})` : ''}`);
}

const keyColumns: ViewColumn<Key>[] = [
  { header: 'ID', fit: 'id', cell: (k, s) => s.plain(k.id) },
  { header: 'NAME', fit: 'truncate', cell: (k, s) => s.orDash(k.name) },
  { header: 'STATUS', fit: 'fixed', drop: 3, cell: (k, s) => s.status(k.status) },
  {
    header: 'KEY',
    fit: 'truncate',
    drop: 7,
    cell: (k, s) => (k.prefix || k.hint ? s.plain(`${k.prefix ?? ''}…${k.hint ?? ''}`) : s.dim('-')),
  },
  {
    header: 'SCOPES',
    fit: 'truncate',
    drop: 8,
    cell: (k, s) => (k.scopes.length > 0 ? s.plain(k.scopes.join(',')) : s.dim('-')),
  },
  { header: 'CREATED', fit: 'fixed', drop: 4, cell: (k, s) => s.when(k.created_at) },
  {
    header: 'LAST USED',
    fit: 'fixed',
    drop: 5,
    cell: (k, s) => (k.usage_tracked ? s.when(k.last_used_at, 'never') : s.dim('n/a')),
  },
  { header: 'EXPIRES', fit: 'fixed', drop: 6, cell: (k, s) => s.when(k.expires_at, 'never') },
];
const profileColumn: ViewColumn<Key> = {
  header: 'PROFILE',
  fit: 'truncate',
  drop: 2,
  cell: (k, s) => s.plain(k.profile),
};

function countByStatus(keys: readonly Key[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key.status, (counts.get(key.status) ?? 0) + 1);
  return `${keys.length} key${keys.length === 1 ? '' : 's'} (${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')})`;
}

/**
 * Keys in every format: on a terminal a table (with the profile where there are several), in a pipe one key a line
 * (id, name, status, created, last used, expires; ISO times), the whole record in json, ndjson and csv.
 */
export function keysView(showProfile: boolean): RecordsView<Key> {
  return {
    columns: showProfile ? [profileColumn, ...keyColumns] : keyColumns,
    empty: 'no keys',
    summary: countByStatus,
    line: (k) => [
      ...(showProfile ? [k.profile] : []),
      k.id,
      k.name,
      k.status,
      k.created_at,
      k.last_used_at,
      k.expires_at,
    ],
    json: (k) => k,
    csv: { header: keyFields, row: (k) => keyFields.map((field) => k[field]) },
  };
}
