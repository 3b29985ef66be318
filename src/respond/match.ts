import { createHash } from 'node:crypto';
import type { Key, ProviderInfo } from '../providers/types.js';
import type { Secret } from '../secrets/secret.js';
import type { Leaked } from './findings.js';

/** One profile's keys, as a leaked secret is matched against them. */
export interface Inventory {
  profile: string;
  provider: ProviderInfo;
  keys: readonly Key[];
  /** keys whose secret keywarden stored itself */
  storedKeyIds: ReadonlySet<string>;
  /** the stored secret of a key, read when a match needs it; undefined where it cannot be read */
  storedSecret(keyId: string): Promise<Secret | undefined>;
}

export type MatchBasis = 'stored secret' | 'key id in the secret' | 'prefix and hint' | 'prefix' | 'hint';

export type Verdict =
  | { result: 'matched'; key: Key; by: MatchBasis }
  | { result: 'ambiguous'; candidates: Key[] }
  | { result: 'not_ours'; reason: string }
  | { result: 'unknown'; reason: string };

/** A text's characters as code points: the unit a censored report's length counts. */
const codePoints = (text: string): string[] => Array.from(text);

/** What a leaked secret, whole or in part, can be compared with. */
interface Evidence {
  head: string;
  tail: string;
  length: number | null;
  whole: string | null;
}

function evidenceOf(leaked: Leaked): Evidence | null {
  if (leaked.kind === 'whole') {
    const text = leaked.secret.expose();
    return { head: text, tail: text, length: codePoints(text).length, whole: text };
  }
  if (leaked.kind === 'partial')
    return { head: leaked.head.expose(), tail: leaked.tail.expose(), length: leaked.length, whole: null };
  return null;
}

/** The characters every secret of a format begins with: the pattern's literal start (`dk_`, `SG.`, `npm_`). */
export function literalStart(pattern: RegExp): string {
  const source = pattern.source;
  let start = '';
  for (let i = source.startsWith('^') ? 1 : 0; i < source.length; i++) {
    const c = source[i]!;
    const quantified = /[?*{+]/.test(source[i + (c === '\\' ? 2 : 1)] ?? '');
    if (quantified) break;
    const escaped = source[i + 1] ?? '';
    if (c === '\\' && /[.\-_/+]/.test(escaped)) {
      start += escaped;
      i++;
    } else if (/[A-Za-z0-9_-]/.test(c)) start += c;
    else break;
  }
  return start;
}

/** Whether a secret, or what is left of it, has the provider's shape: null when the provider's secrets have none. */
function fitsFormat(provider: ProviderInfo, evidence: Evidence): boolean | null {
  const format = provider.secretFormat;
  if (!format) return null;
  if (evidence.whole !== null) return format.pattern.test(evidence.whole);
  const start = literalStart(format.pattern);
  if (evidence.head.length >= start.length) return evidence.head.startsWith(start);
  return start.startsWith(evidence.head) ? null : false;
}

/** The key id a whole secret carries, where the provider's secrets carry it. */
function idInSecret(provider: ProviderInfo, secret: string): string | null {
  const format = provider.secretFormat;
  if (!format || format.keyId === null) return null;
  if (format.keyId === 'sha512_hex') return createHash('sha512').update(secret).digest('hex');
  return format.pattern.exec(secret)?.[1] ?? null;
}

/** Whether what a listing shows of a key's secret (prefix, hint: its last characters) agrees with the leak. */
function visiblyAlike(key: Key, evidence: Evidence): MatchBasis | null {
  if (key.prefix === null && key.hint === null) return null;
  const prefixAgrees =
    key.prefix === null ||
    (evidence.whole !== null
      ? evidence.whole.startsWith(key.prefix)
      : key.prefix.startsWith(evidence.head) || evidence.head.startsWith(key.prefix));
  const hintAgrees =
    key.hint === null ||
    (evidence.whole !== null
      ? evidence.whole.endsWith(key.hint)
      : evidence.tail === '' || key.hint.endsWith(evidence.tail) || evidence.tail.endsWith(key.hint));
  if (!prefixAgrees || !hintAgrees) return null;
  return key.prefix !== null && key.hint !== null ? 'prefix and hint' : key.prefix !== null ? 'prefix' : 'hint';
}

function storedAlike(stored: string, evidence: Evidence): boolean {
  if (evidence.whole !== null) return stored === evidence.whole;
  return (
    stored.startsWith(evidence.head) &&
    stored.endsWith(evidence.tail) &&
    (evidence.length === null || codePoints(stored).length === evidence.length)
  );
}

/**
 * Which key a leaked secret is, across the profiles, without sending it anywhere: a secret keywarden stored itself
 * (compared in memory), the key id a secret carries (SendGrid's), or what the listing shows of each secret
 * (prefix and last characters), among the profiles whose provider issues secrets of that shape.
 */
export async function matchLeak(leaked: Leaked, inventories: readonly Inventory[]): Promise<Verdict> {
  const evidence = evidenceOf(leaked);
  if (evidence === null) return { result: 'unknown', reason: 'the report holds no part of the secret' };
  const fits = inventories.map((inventory) => fitsFormat(inventory.provider, evidence));
  if (inventories.length > 0 && fits.every((fit) => fit === false))
    return { result: 'not_ours', reason: "no profile's provider issues secrets of this shape" };
  const possible = inventories.filter((_, i) => fits[i] !== false);

  // a secret keywarden stored is certain, and so is the id a secret carries
  for (const inventory of possible) {
    for (const key of inventory.keys) {
      if (!inventory.storedKeyIds.has(key.id)) continue;
      const stored = await inventory.storedSecret(key.id);
      if (stored !== undefined && storedAlike(stored.expose(), evidence))
        return { result: 'matched', key, by: 'stored secret' };
    }
  }
  const candidates: { key: Key; by: MatchBasis }[] = [];
  for (const inventory of possible) {
    const carried = evidence.whole === null ? null : idInSecret(inventory.provider, evidence.whole);
    if (carried !== null) {
      const key = inventory.keys.find((k) => k.id === carried);
      if (key) candidates.push({ key, by: 'key id in the secret' });
      continue;
    }
    for (const key of inventory.keys) {
      const by = visiblyAlike(key, evidence);
      if (by !== null) candidates.push({ key, by });
    }
  }
  // two profiles of one account list the same key: it is one key, matched through the first profile
  const distinct = candidates.filter(
    (c, i) => candidates.findIndex((other) => other.key.provider === c.key.provider && other.key.id === c.key.id) === i,
  );
  if (distinct.length === 1) return { result: 'matched', ...distinct[0]! };
  if (distinct.length > 1) return { result: 'ambiguous', candidates: distinct.map((c) => c.key) };
  const shaped = inventories.filter((_, i) => fits[i] === true).map((inventory) => inventory.profile);
  return {
    result: 'unknown',
    reason:
      shaped.length > 0
        ? `it has the shape of ${shaped.join(', ')}'s secrets, but no key there shows it`
        : 'no key of the profiles shows it',
  };
}

/**
 * How a leaked secret is shown: the start every secret of its provider has, its last 4 characters and the start of
 * its SHA-256, so findings of one secret can be told together and the secret itself is never shown.
 */
export function fingerprint(leaked: Leaked, inventories: readonly Inventory[]): string {
  const evidence = evidenceOf(leaked);
  if (evidence === null) return '(hidden)';
  const fitting = inventories.find((inventory) => fitsFormat(inventory.provider, evidence) === true);
  const start = fitting?.provider.secretFormat ? literalStart(fitting.provider.secretFormat.pattern) : '';
  if (evidence.whole === null) return `${start}…${codePoints(evidence.tail).slice(-4).join('')} (censored)`;
  const characters = codePoints(evidence.whole);
  const last = characters.length > 12 ? characters.slice(-4).join('') : '';
  const hash = createHash('sha256').update(evidence.whole).digest('hex').slice(0, 8);
  return `${start}…${last} #${hash}`;
}
