import type { JsonValue } from './json-values.js';
import { formatsHint, ReportProblem } from './problem.js';
import { isObject } from './report-object.js';

/** One finding-sized piece of a report, with its place for messages ("entry 3", "line 7"). */
export interface Entry {
  value: unknown;
  where: string;
}

/** A JSON report, told apart by its shape. */
export type JsonReport =
  | { scanner: 'trufflehog' | 'gitleaks' | 'github'; entries: Entry[] }
  | { scanner: 'ggshield'; document: Record<string, unknown> };

type EntryKind = 'trufflehog' | 'log line' | 'gitleaks' | 'github';

const has = (value: Record<string, unknown>, ...names: string[]): boolean =>
  names.some((name) => Object.hasOwn(value, name));

const isTruffleHogFinding = (value: Record<string, unknown>): boolean =>
  has(value, 'SourceMetadata', 'DetectorName', 'RawV2');

/** A line of TruffleHog's zap logger, on stderr, which `2>&1` interleaves with the findings. */
export function isTruffleHogLogLine(value: unknown): boolean {
  return isObject(value) && has(value, 'level') && has(value, 'msg') && !isTruffleHogFinding(value);
}

/** What one JSON object of a report is, by the fields only that kind has. */
function entryKind(value: unknown): EntryKind | null {
  if (!isObject(value)) return null;
  if (isTruffleHogFinding(value)) return 'trufflehog';
  if (isTruffleHogLogLine(value)) return 'log line';
  if (has(value, 'RuleID', 'Secret')) return 'gitleaks';
  if (has(value, 'secret_type', 'secret_type_display_name', 'first_location_detected', 'locations_url'))
    return 'github';
  return null;
}

function isGgshieldDocument(value: Record<string, unknown>): boolean {
  return (
    has(value, 'entities_with_incidents', 'scans', 'secrets_engine_version') ||
    (typeof value.total_incidents === 'number' && typeof value.type === 'string')
  );
}

const names: Record<EntryKind, string> = {
  trufflehog: 'a TruffleHog finding',
  'log line': 'a TruffleHog log line',
  gitleaks: 'a gitleaks finding',
  github: 'a GitHub secret-scanning alert',
};

/**
 * Which scanner wrote the JSON, from its content alone:
 * - one object with ggshield's fields (`entities_with_incidents`, `scans`, ...): ggshield;
 * - arrays (one, or several run together by `gh api --paginate`): gitleaks or GitHub alerts, by their first entry;
 *   an empty array is taken for gitleaks', which writes `[]` when it finds nothing;
 * - objects (one, or one a line): TruffleHog findings and log lines, or GitHub alerts (a single alert, or alerts one
 *   a line as `gh api --jq '.[]'` prints them).
 */
export function detectJsonReport(values: JsonValue[]): JsonReport {
  const [first] = values;
  if (first === undefined) throw new Error('detectJsonReport needs at least one JSON value');
  const other = values.find((v) => Array.isArray(v.value) !== Array.isArray(first.value));
  if (other !== undefined) {
    const [was, is] = Array.isArray(other.value) ? ['an object', 'an array'] : ['an array', 'an object'];
    throw new ReportProblem(`line ${other.line} holds ${is} where line ${first.line} holds ${was}: not one report`);
  }
  if (Array.isArray(first.value)) {
    const entries = values.flatMap((v) => v.value as unknown[]);
    return arrayReport(entries.map((value, i) => ({ value, where: `entry ${i + 1}` })));
  }
  if (values.length === 1 && isGgshieldDocument(first.value)) return { scanner: 'ggshield', document: first.value };
  return objectStream(values.map(({ value, line }) => ({ value, where: `line ${line}` })));
}

function arrayReport(entries: Entry[]): JsonReport {
  const [first] = entries;
  if (first === undefined) return { scanner: 'gitleaks', entries };
  const kind = entryKind(first.value);
  if (kind !== 'gitleaks' && kind !== 'github')
    throw new ReportProblem(
      `${first.where} is neither ${names.gitleaks} nor ${names.github}`,
      kind === 'trufflehog' ? 'TruffleHog --json writes one finding a line, not an array' : formatsHint,
    );
  expectAll(entries, kind, first);
  return { scanner: kind, entries };
}

function objectStream(entries: Entry[]): JsonReport {
  const first = entries.find((entry) => entryKind(entry.value) !== 'log line') ?? entries[0]!;
  const kind = entryKind(first.value);
  if (kind === 'github') {
    expectAll(entries, 'github', first);
    return { scanner: 'github', entries };
  }
  if (kind === 'trufflehog' || kind === 'log line') {
    const odd = entries.find((entry) => {
      const its = entryKind(entry.value);
      return its !== 'trufflehog' && its !== 'log line';
    });
    if (odd !== undefined) throw new ReportProblem(`${odd.where} is neither ${names.trufflehog} nor a log line`);
    return { scanner: 'trufflehog', entries };
  }
  if (entries.length === 1)
    throw new ReportProblem('a JSON document, but not a report of a scanner keywarden reads', formatsHint);
  throw new ReportProblem(`${first.where} is neither ${names.trufflehog} nor a log line`, formatsHint);
}

function expectAll(entries: Entry[], kind: EntryKind, first: Entry): void {
  const odd = entries.find((entry) => entryKind(entry.value) !== kind);
  if (odd !== undefined) throw new ReportProblem(`${odd.where} is not ${names[kind]}, as ${first.where} is`);
}
