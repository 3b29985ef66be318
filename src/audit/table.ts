import type { ChalkInstance } from 'chalk';
import type { Key } from '../providers/types.js';
import { inert, tsvField } from '../render/inert.js';
import type { Style } from '../render/style.js';
import type { TableCell, TableColumn } from '../render/table.js';
import { baselineCounts, baselineState, type BaselineDiff, type KeyRef } from './baseline.js';
import type { Finding } from './findings.js';
import { summaryLine, type AuditReport } from './report.js';
import { severities, type Severity } from './severity.js';
import { day } from './wording.js';
import { relativeTime } from '../util/time.js';

/** Lays a table out to the terminal's width (Presenter.layout). */
export type Layout = (
  columns: readonly TableColumn[],
  rows: TableCell[][],
) => Promise<{ text: string; clipped: boolean }>;

/** For a person at a terminal: findings grouped by severity in colour, a key-age histogram, a one-line summary. */
export async function auditTable(report: AuditReport, style: Style, now: Date, layout: Layout): Promise<string> {
  const { chalk } = style;
  const paint: Record<Severity, ChalkInstance> = {
    high: chalk.red.bold,
    medium: chalk.yellow.bold,
    low: chalk.cyan.bold,
  };
  const showProfile =
    new Set(report.keys.map((k) => k.profile)).size > 1 || new Set(report.findings.map((f) => f.profile)).size > 1;
  const columns: TableColumn[] = [
    { header: 'RULE', fit: 'fixed' },
    ...(showProfile ? [{ header: 'PROFILE', fit: 'truncate', drop: 2 } as const] : []),
    { header: 'KEY', fit: 'id' },
    { header: 'NAME', fit: 'truncate', drop: 1 },
    { header: 'FINDING', fit: 'wrap' },
  ];
  const blocks: string[] = [];
  if (report.asOf !== undefined) {
    const generated = new Date(report.generatedAt);
    blocks.push(
      `${chalk.bold(`AS OF ${day(report.asOf)}`)} ${chalk.dim(`(${relativeTime(report.asOf, generated)}): every age, idle time and expiry measured to then`)}\n`,
    );
  }
  for (const severity of severities) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    const rows = group.map((f): TableCell[] => [
      { text: f.rule },
      ...(showProfile ? [style.plain(f.profile)] : []),
      style.plain(f.key_id),
      style.orDash(f.key_name),
      { text: inert(f.message) },
    ]);
    blocks.push(
      `${paint[severity](severity.toUpperCase())} ${chalk.dim(`(${group.length})`)}\n${(await layout(columns, rows)).text}`,
    );
  }
  if (report.baseline) blocks.push(await sinceBaseline(report.baseline, style, layout, paint));
  blocks.push(ageHistogram(report.keys, now, report.policy.thresholds.maxAgeMs, chalk));
  const worst = severities.find((s) => report.findings.some((f) => f.severity === s));
  const line = summaryLine(report);
  blocks.push(`${worst ? paint[worst](line) : chalk.green.bold(line)}\n`);
  return blocks.join('\n');
}

/**
 * What changed since --baseline, in short: the counts, then one row for each new or gone finding and each new or
 * removed key; unchanged findings are only counted.
 */
async function sinceBaseline(
  diff: BaselineDiff,
  style: Style,
  layout: Layout,
  paint: Record<Severity, ChalkInstance>,
): Promise<string> {
  const { chalk } = style;
  const compared = diff.profiles.length > 0 ? diff.profiles.map(inert).join(', ') : 'none';
  const head = `${chalk.bold('SINCE THE LAST REVIEW')} ${chalk.dim(`(${inert(diff.file)}, ${day(diff.generatedAt)}; profiles compared: ${compared})`)}`;
  const columns: TableColumn[] = [
    { header: 'CHANGE', fit: 'fixed' },
    { header: 'SEVERITY', fit: 'fixed' },
    { header: 'RULE', fit: 'fixed' },
    { header: 'PROFILE', fit: 'truncate', drop: 2 },
    { header: 'KEY', fit: 'id' },
    { header: 'NAME', fit: 'truncate', drop: 1 },
  ];
  const findingRow = (change: string, f: Finding): TableCell[] => [
    { text: change },
    { text: f.severity, paint: paint[f.severity] },
    { text: f.rule },
    style.plain(f.profile),
    style.plain(f.key_id),
    style.orDash(f.key_name),
  ];
  const keyRow = (change: string, k: KeyRef): TableCell[] => [
    { text: change },
    style.orDash(null),
    style.orDash(null),
    style.plain(k.profile),
    style.plain(k.key_id),
    style.orDash(k.key_name),
  ];
  const rows = [
    ...diff.newFindings.map((f) => findingRow('new finding', f)),
    ...diff.goneFindings.map((f) => findingRow('gone finding', f)),
    ...diff.newKeys.map((k) => keyRow('new key', k)),
    ...diff.removedKeys.map((k) => keyRow('removed key', k)),
  ];
  const table = rows.length > 0 ? (await layout(columns, rows)).text : '';
  return `${head}\n${table}  ${baselineCounts(diff)}\n`;
}

/**
 * Not a terminal: one finding a line, tab-separated, no header or colour (use -o json or csv in scripts); with
 * --baseline a seventh field says whether the finding is new or unchanged since then.
 */
export function auditLines(report: AuditReport): string {
  const { baseline } = report;
  const line = (f: Finding): string =>
    [
      f.severity,
      f.rule,
      f.profile,
      f.key_id,
      f.key_name ?? '',
      f.message,
      ...(baseline ? [baselineState(baseline, f) ?? ''] : []),
    ]
      .map(tsvField)
      .join('\t');
  return report.findings.map((f) => `${line(f)}\n`).join('');
}

const dayMs = 86_400_000;
const buckets: { label: string; from: number; to: number }[] = [
  { label: 'under 30 days', from: 0, to: 30 * dayMs },
  { label: '30–90 days', from: 30 * dayMs, to: 90 * dayMs },
  { label: '90–180 days', from: 90 * dayMs, to: 180 * dayMs },
  { label: '180 days–1 year', from: 180 * dayMs, to: 365 * dayMs },
  { label: 'over 1 year', from: 365 * dayMs, to: Infinity },
];
const barWidth = 30;

/** How old the keys are, as bars: green under the maximum age, yellow for a bucket it cuts, red past it. */
export function ageHistogram(keys: readonly Key[], now: Date, maxAgeMs: number, chalk: ChalkInstance): string {
  const ages = keys.map((k) => (k.created_at === null ? null : now.getTime() - Date.parse(k.created_at)));
  const counts = buckets.map((b) => ages.filter((age) => age !== null && age >= b.from && age < b.to).length);
  const unknown = ages.filter((age) => age === null).length;
  const most = Math.max(1, ...counts);
  const width = Math.max(...buckets.map((b) => b.label.length), 'unknown'.length);
  const lines = buckets.map((bucket, i) => {
    const count = counts[i]!;
    const bar = '█'.repeat(count === 0 ? 0 : Math.max(1, Math.round((count / most) * barWidth)));
    const paint = bucket.from >= maxAgeMs ? chalk.red : bucket.to > maxAgeMs ? chalk.yellow : chalk.green;
    return `  ${bucket.label.padEnd(width)}  ${paint(bar)}${bar ? ' ' : ''}${count}`;
  });
  if (unknown > 0) lines.push(`  ${'unknown'.padEnd(width)}  ${unknown}`);
  return `${chalk.bold('KEY AGE')} ${chalk.dim(`(${keys.length} key${keys.length === 1 ? '' : 's'})`)}\n${lines.join('\n')}\n`;
}
