import { UsageError } from '../errors.js';
import type { Key } from '../providers/types.js';
import { describeKey } from '../render/keys.js';

const shortList = (keys: Key[]): string =>
  keys.slice(0, 6).map(describeKey).join(', ') + (keys.length > 6 ? `, and ${keys.length - 6} more` : '');

/**
 * The key a reference names: an exact id, a unique id prefix of at least 4 characters, or an exact unique name.
 * Keys still in service are preferred, so a name shared with a revoked predecessor is not ambiguous.
 */
export function resolveKeyReference(reference: string, keys: Key[]): Key {
  const ref = reference.trim();
  if (ref === '') throw new UsageError('an empty key reference names no key');
  const exact = keys.find((k) => k.id === ref);
  if (exact) return exact;
  const matches = (pool: Key[]): Key[] =>
    pool.filter((k) => (ref.length >= 4 && k.id.startsWith(ref)) || k.name === ref);
  const live = matches(keys.filter((k) => k.status !== 'revoked'));
  const candidates = live.length > 0 ? live : matches(keys);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new UsageError(`'${ref}' is ambiguous: ${shortList(candidates)}`, 'give the full id');
  }
  throw new UsageError(
    `no key matches '${ref}'`,
    ref.length < 4 ? 'an id prefix needs at least 4 characters' : 'keywarden list shows the keys',
  );
}

/** Keys not used for `ms`: last used that long ago, or never used and created that long ago. */
export function unusedFor(ms: number, now: Date): (key: Key) => boolean {
  const cutoff = now.getTime() - ms;
  return (key) => {
    if (key.status === 'revoked') return false;
    const last = key.last_used_at ?? key.created_at;
    return last !== null && Date.parse(last) <= cutoff;
  };
}

export function olderThan(ms: number, now: Date): (key: Key) => boolean {
  const cutoff = now.getTime() - ms;
  return (key) => key.status !== 'revoked' && key.created_at !== null && Date.parse(key.created_at) <= cutoff;
}
