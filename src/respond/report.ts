import { createHash } from 'node:crypto';
import { code, plain } from '../audit/markdown.js';
import type { Key } from '../providers/types.js';
import type { RecordsView } from '../render/present.js';
import type { Finding } from './findings.js';
import type { Verdict } from './match.js';

/** What was done about a finding's key. */
export type Action =
  'none' | 'would revoke' | 'would rotate' | 'revoked' | 'rotated' | 'already revoked' | 'not confirmed' | 'failed';

/** One finding of a report, what it was matched to, and what became of the key. */
export interface Response {
  finding: Finding;
  /** the secret as shown: never the secret itself */
  fingerprint: string;
  verdict: Verdict;
  action: Action;
  error: string | null;
  rotation: { id: string; new_key_id: string | null } | null;
}

export type Mode = 'report' | 'revoke' | 'rotate';

const matchedKey = (r: Response): Key | null => (r.verdict.result === 'matched' ? r.verdict.key : null);

/** A finding in `-o json`: where the scanner saw it, the secret's fingerprint, the match, and what was done. */
export function responseJson(r: Response): object {
  const { finding, verdict } = r;
  return {
    source: finding.source,
    index: finding.index,
    scanner: finding.scanner,
    detector: finding.detector,
    verified: finding.verified,
    location: finding.location,
    secret: r.fingerprint,
    result: verdict.result,
    matched_by: verdict.result === 'matched' ? verdict.by : null,
    key: matchedKey(r),
    candidates: verdict.result === 'ambiguous' ? verdict.candidates : [],
    reason: verdict.result === 'not_ours' || verdict.result === 'unknown' ? verdict.reason : null,
    action: r.action,
    error: r.error,
    rotation_id: r.rotation?.id ?? null,
    new_key_id: r.rotation?.new_key_id ?? null,
  };
}

export function respondDocument(responses: readonly Response[], mode: Mode, dryRun: boolean): object {
  const count = (test: (r: Response) => boolean): number => responses.filter(test).length;
  return {
    dry_run: dryRun,
    action: mode,
    summary: {
      findings: responses.length,
      matched: count((r) => r.verdict.result === 'matched'),
      ambiguous: count((r) => r.verdict.result === 'ambiguous'),
      not_ours: count((r) => r.verdict.result === 'not_ours'),
      unknown: count((r) => r.verdict.result === 'unknown'),
      revoked: count((r) => r.action === 'revoked'),
      rotated: count((r) => r.action === 'rotated'),
      failed: count((r) => r.action === 'failed'),
    },
    findings: responses.map(responseJson),
  };
}

/** Where a scanner saw the secret: file and line, and the commit's first 12 characters. */
export function whereFound(finding: Finding): string {
  const { file, line, commit, url } = finding.location;
  const place = file === null ? (url ?? '') : `${file}${line === null ? '' : `:${line}`}`;
  return commit === null ? place : `${place} @${commit.slice(0, 12)}`;
}

const keyLabel = (key: Key): string => `${key.profile}/${key.id}${key.name === null ? '' : ` "${key.name}"`}`;

function resultText(r: Response): string {
  const { verdict } = r;
  switch (verdict.result) {
    case 'matched':
      return `${keyLabel(verdict.key)} (by ${verdict.by})`;
    case 'ambiguous':
      return `one of ${verdict.candidates.length}: ${verdict.candidates.slice(0, 3).map(keyLabel).join(', ')}${verdict.candidates.length > 3 ? ', ...' : ''}`;
    case 'not_ours':
    case 'unknown':
      return verdict.reason;
  }
}

const resultWord: Record<Verdict['result'], string> = {
  matched: 'matched',
  ambiguous: 'ambiguous',
  not_ours: 'not ours',
  unknown: 'unknown',
};

/** Findings as a table on a terminal, one tab-separated line each in a pipe, each finding's document in json. */
export const responsesView: RecordsView<Response> = {
  columns: [
    // the finding's number first: a long path is cut at its end, never the number
    { header: 'FINDING', fit: 'truncate', cell: (r, s) => s.plain(`#${r.finding.index} ${r.finding.source}`) },
    { header: 'WHERE', fit: 'truncate', drop: 4, cell: (r, s) => s.orDash(whereFound(r.finding) || null) },
    { header: 'SECRET', fit: 'fixed', drop: 3, cell: (r, s) => s.plain(r.fingerprint) },
    { header: 'RESULT', fit: 'fixed', cell: (r, s) => s.plain(resultWord[r.verdict.result]) },
    { header: 'KEY', fit: 'truncate', drop: 2, cell: (r, s) => s.plain(resultText(r)) },
    {
      header: 'ACTION',
      fit: 'fixed',
      cell: (r, s) => (r.action === 'none' ? s.dim('-') : s.plain(r.error ? `${r.action}: ${r.error}` : r.action)),
    },
  ],
  empty: 'no findings in the reports',
  summary: (rows) => summaryLine(rows),
  line: (r) => [
    `${r.finding.source}#${r.finding.index}`,
    whereFound(r.finding),
    r.fingerprint,
    r.verdict.result,
    matchedKey(r)?.profile ?? null,
    matchedKey(r)?.id ?? null,
    r.action,
  ],
  json: responseJson,
};

export function summaryLine(responses: readonly Response[]): string {
  const n = (result: Verdict['result']): number => responses.filter((r) => r.verdict.result === result).length;
  const acted = responses.filter((r) => r.action === 'revoked' || r.action === 'rotated').length;
  return `${responses.length} finding${responses.length === 1 ? '' : 's'}: ${n('matched')} matched, ${n('ambiguous')} ambiguous, ${n('not_ours')} not ours, ${n('unknown')} unknown${acted > 0 ? `; ${acted} handled` : ''}`;
}

/** GitHub-flavoured markdown, for a pull-request comment or a job summary. */
export function respondMarkdown(responses: readonly Response[], mode: Mode, dryRun: boolean): string {
  const lines = [
    `## keywarden respond${dryRun ? ' (dry run)' : mode === 'report' ? '' : `: ${mode}`}`,
    '',
    summaryLine(responses),
    '',
  ];
  if (responses.length > 0) {
    lines.push('| found in | where | secret | result | key | action |', '|---|---|---|---|---|---|');
    for (const r of responses)
      lines.push(
        `| ${[
          plain(`${r.finding.source}#${r.finding.index}`),
          code(whereFound(r.finding)),
          code(r.fingerprint),
          resultWord[r.verdict.result],
          plain(resultText(r)),
          plain(r.error ? `${r.action}: ${r.error}` : r.action),
        ].join(' | ')} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}

const sarifRules = [
  { id: 'leaked-key', level: 'error', text: 'A leaked secret is the secret of one of your keys' },
  { id: 'leaked-key-ambiguous', level: 'warning', text: 'A leaked secret may be the secret of one of several keys' },
  { id: 'leaked-secret-unknown', level: 'warning', text: 'A leaked secret could not be matched to a key' },
  { id: 'leaked-secret-not-ours', level: 'note', text: 'A leaked secret is not of a provider of your profiles' },
] as const;
const ruleOf: Record<Verdict['result'], number> = { matched: 0, ambiguous: 1, unknown: 2, not_ours: 3 };

/** SARIF 2.1.0, each finding at the file and line the scanner named, with its match and what was done. */
export function respondSarif(responses: readonly Response[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keywarden',
            rules: sarifRules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.text },
              defaultConfiguration: { level: rule.level },
            })),
          },
        },
        results: responses.map((r) => {
          const rule = ruleOf[r.verdict.result];
          const { file, line } = r.finding.location;
          // a matched key that is revoked or rotated is handled: it stays on record as a note
          const handled = r.action === 'revoked' || r.action === 'rotated' || r.action === 'already revoked';
          return {
            ruleId: sarifRules[rule]!.id,
            ruleIndex: rule,
            level: handled ? 'note' : sarifRules[rule]!.level,
            message: { text: `${r.fingerprint}: ${resultText(r)}; ${r.error ? `${r.action}: ${r.error}` : r.action}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file ?? `keywarden/respond/${r.finding.source}` },
                  region: { startLine: line ?? 1 },
                },
              },
            ],
            partialFingerprints: {
              keywardenLeak: createHash('sha256')
                .update(`${r.fingerprint}\n${whereFound(r.finding)}`)
                .digest('hex')
                .slice(0, 32),
            },
          };
        }),
      },
    ],
  };
}
