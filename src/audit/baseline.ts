import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Key } from '../providers/types.js';
import { inert } from '../render/inert.js';
import { findingOrder, type Finding } from './findings.js';
import { ruleIds } from './rules.js';
import { isSeverity } from './severity.js';

/**
 * `audit --baseline FILE`: this audit compared with an earlier one, the `-o json` document it wrote. A key is the
 * same key when its profile, provider and id are; a finding the same finding when its key and rule are (its message,
 * which names ages, and its severity, which a policy sets, may differ). Only the profiles audited both times are
 * compared: a profile audited once is neither all new nor all removed.
 */

/** A key as the audit document lists it under `keys`, and as the comparison names it. */
export interface KeyRef {
  provider: string;
  profile: string;
  key_id: string;
  key_name: string | null;
}

/** What the comparison reads of an earlier audit's document. */
export interface PreviousAudit {
  /** the file, as given */
  file: string;
  generatedAt: string;
  /** the profiles it audited (those that answered) */
  profiles: string[];
  /** its keys; null when the document lists none (keywarden wrote no `keys` before --baseline existed) */
  keys: KeyRef[] | null;
  findings: Finding[];
}

/** What changed since the baseline, over the profiles audited both times. Every format reads it off the report. */
export interface BaselineDiff {
  file: string;
  /** the baseline's generated_at */
  generatedAt: string;
  /** the profiles compared: audited now and in the baseline, in this audit's order */
  profiles: string[];
  /** false when the baseline lists no keys: newKeys and removedKeys are then empty, not compared */
  keysCompared: boolean;
  newKeys: KeyRef[];
  removedKeys: KeyRef[];
  /** this audit's findings that the baseline does not have, most severe first */
  newFindings: Finding[];
  /** the baseline's findings that this audit does not have, as the baseline worded them */
  goneFindings: Finding[];
  /** this audit's findings that the baseline has too */
  unchangedFindings: Finding[];
}

/** A finding of this audit against the baseline; undefined when its profile is not compared. */
export type BaselineState = 'new' | 'unchanged';

/** What compareWithBaseline reads of this audit (an AuditReport is one). */
export interface CurrentAudit {
  profiles: readonly string[];
  keys: readonly Key[];
  findings: readonly Finding[];
}

const keyIdentity = (k: { profile: string; provider: string; key_id: string }): string =>
  [k.profile, k.provider, k.key_id].join('\u0000');
const findingIdentity = (f: Finding): string => [keyIdentity(f), f.rule].join('\u0000');

export const keyRef = (key: Key): KeyRef => ({
  provider: key.provider,
  profile: key.profile,
  key_id: key.id,
  key_name: key.name,
});

/** By profile, then id: the order of the document's keys and of the keys new and removed. */
export const keyOrder = (a: KeyRef, b: KeyRef): number =>
  a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0;

export function compareWithBaseline(current: CurrentAudit, previous: PreviousAudit): BaselineDiff {
  const before = new Set(previous.profiles);
  const profiles = [...new Set(current.profiles)].filter((profile) => before.has(profile));
  const covered = new Set(profiles);
  const inCovered = <T extends { profile: string }>(items: readonly T[]): T[] =>
    items.filter((item) => covered.has(item.profile));

  const nowKeys = inCovered(current.keys.map(keyRef));
  const thenKeys = previous.keys === null ? null : inCovered(previous.keys);
  const minus = <T>(items: T[], others: T[], identity: (item: T) => string): T[] => {
    const seen = new Set(others.map(identity));
    return items.filter((item) => !seen.has(identity(item)));
  };

  const nowFindings = inCovered(current.findings);
  const thenFindings = inCovered(previous.findings);
  const thenIds = new Set(thenFindings.map(findingIdentity));
  return {
    file: previous.file,
    generatedAt: previous.generatedAt,
    profiles,
    keysCompared: thenKeys !== null,
    newKeys: thenKeys === null ? [] : minus(nowKeys, thenKeys, keyIdentity).sort(keyOrder),
    removedKeys: thenKeys === null ? [] : minus(thenKeys, nowKeys, keyIdentity).sort(keyOrder),
    newFindings: nowFindings.filter((f) => !thenIds.has(findingIdentity(f))).sort(findingOrder),
    goneFindings: minus(thenFindings, nowFindings, findingIdentity).sort(findingOrder),
    unchangedFindings: nowFindings.filter((f) => thenIds.has(findingIdentity(f))).sort(findingOrder),
  };
}

const states = new WeakMap<BaselineDiff, Map<string, BaselineState>>();

/** A finding of this audit: new or unchanged since the baseline, or undefined when its profile was not compared. */
export function baselineState(diff: BaselineDiff, finding: Finding): BaselineState | undefined {
  let byIdentity = states.get(diff);
  if (!byIdentity) {
    byIdentity = new Map([
      ...diff.newFindings.map((f): [string, BaselineState] => [findingIdentity(f), 'new']),
      ...diff.unchangedFindings.map((f): [string, BaselineState] => [findingIdentity(f), 'unchanged']),
    ]);
    states.set(diff, byIdentity);
  }
  return byIdentity.get(findingIdentity(finding));
}

/** The `baseline` object of the `-o json` document. */
export interface BaselineDocument {
  file: string;
  generated_at: string;
  profiles: string[];
  keys_compared: boolean;
  summary: {
    new_keys: number;
    removed_keys: number;
    new_findings: number;
    gone_findings: number;
    unchanged_findings: number;
  };
  new_keys: KeyRef[];
  removed_keys: KeyRef[];
  new_findings: Finding[];
  gone_findings: Finding[];
  unchanged_findings: Finding[];
}

export function baselineDocument(diff: BaselineDiff): BaselineDocument {
  return {
    file: diff.file,
    generated_at: diff.generatedAt,
    profiles: diff.profiles,
    keys_compared: diff.keysCompared,
    summary: {
      new_keys: diff.newKeys.length,
      removed_keys: diff.removedKeys.length,
      new_findings: diff.newFindings.length,
      gone_findings: diff.goneFindings.length,
      unchanged_findings: diff.unchangedFindings.length,
    },
    new_keys: diff.newKeys,
    removed_keys: diff.removedKeys,
    new_findings: diff.newFindings,
    gone_findings: diff.goneFindings,
    unchanged_findings: diff.unchangedFindings,
  };
}

/** "2 new findings, 1 gone, 20 unchanged; 1 new key, 1 removed": the comparison in one line. */
export function baselineCounts(diff: BaselineDiff): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const findings = `${plural(diff.newFindings.length, 'new finding')}, ${diff.goneFindings.length} gone, ${diff.unchangedFindings.length} unchanged`;
  if (!diff.keysCompared) return `${findings}; keys not compared`;
  return `${findings}; ${plural(diff.newKeys.length, 'new key')}, ${diff.removedKeys.length} removed`;
}

/** Reads and checks a baseline file: one that is missing, not JSON or not an audit document is exit 2, naming it. */
export async function readBaseline(path: string): Promise<PreviousAudit> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : (code ?? String(error));
    throw new UsageError(`--baseline ${path}: cannot read it (${reason})`);
  }
  return parseBaseline(text, path);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An earlier `audit -o json` document, checked as far as the comparison reads it; other fields are let be. */
export function parseBaseline(text: string, file: string): PreviousAudit {
  // `audit --baseline last.json -o json > last.json`: the shell empties the file before keywarden reads it
  if (text.trim() === '') throw new UsageError(`--baseline ${file}: empty, not an audit document`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--baseline ${file}: not valid JSON (${inert((error as Error).message)})`);
  }
  const fail = (problem: string): never => {
    throw new UsageError(
      `--baseline ${file}: not an audit document (${problem}); make one with keywarden audit -o json`,
    );
  };
  if (!isObject(document))
    return fail(Array.isArray(document) ? 'a JSON array' : document === null ? 'null' : `a JSON ${typeof document}`);
  const { generated_at: generatedAt } = document;
  if (typeof generatedAt !== 'string' || Number.isNaN(Date.parse(generatedAt))) fail('no generated_at date');
  if (!isObject(document.summary)) fail('no summary');
  if (!Array.isArray(document.findings)) fail('no findings list');
  if (!Array.isArray(document.errors)) fail('no errors list');

  const textField = (item: Json, field: string, path: string): string => {
    const value = item[field];
    if (typeof value !== 'string') return fail(`${path}.${field}: not a string`);
    return value;
  };
  const nameField = (item: Json, field: string, path: string): string | null => {
    const value = item[field];
    if (value !== null && typeof value !== 'string') return fail(`${path}.${field}: not a string or null`);
    return value;
  };
  const findings = (document.findings as unknown[]).map((item, i): Finding => {
    const path = `findings[${i}]`;
    if (!isObject(item)) return fail(`${path}: not an object`);
    const rule = textField(item, 'rule', path);
    if (!(ruleIds as readonly string[]).includes(rule)) fail(`${path}.rule: ${JSON.stringify(rule)} is not a rule`);
    const severity = textField(item, 'severity', path);
    if (!isSeverity(severity)) return fail(`${path}.severity: ${JSON.stringify(severity)} is not a severity`);
    return {
      rule: rule as Finding['rule'],
      severity,
      provider: textField(item, 'provider', path),
      profile: textField(item, 'profile', path),
      key_id: textField(item, 'key_id', path),
      key_name: nameField(item, 'key_name', path),
      message: textField(item, 'message', path),
    };
  });

  let keys: KeyRef[] | null = null;
  if (document.keys !== undefined) {
    if (!Array.isArray(document.keys)) fail('keys: not a list');
    keys = (document.keys as unknown[]).map((item, i): KeyRef => {
      const path = `keys[${i}]`;
      if (!isObject(item)) return fail(`${path}: not an object`);
      return {
        provider: textField(item, 'provider', path),
        profile: textField(item, 'profile', path),
        key_id: textField(item, 'key_id', path),
        key_name: nameField(item, 'key_name', path),
      };
    });
  }

  let profiles: string[];
  if (document.profiles !== undefined) {
    if (!Array.isArray(document.profiles) || !document.profiles.every((p) => typeof p === 'string'))
      return fail('profiles: not a list of names');
    profiles = document.profiles;
  } else {
    // a document from before `profiles`: the profiles it shows keys or findings of
    profiles = [...new Set([...(keys ?? []), ...findings].map((item) => item.profile))];
  }
  return { file, generatedAt: new Date(generatedAt as string).toISOString(), profiles, keys, findings };
}
