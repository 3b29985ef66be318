import { baselineCounts, type BaselineDiff, type KeyRef } from './baseline.js';
import type { Finding } from './findings.js';
import { summaryLine, type AuditReport } from './report.js';
import type { Severity } from './severity.js';
import { span } from './wording.js';
import { inert } from '../render/inert.js';

const marks: Record<Severity, string> = { high: '🔴 high', medium: '🟠 medium', low: '🟡 low' };

/**
 * GitHub-flavoured markdown for a pull-request comment or $GITHUB_STEP_SUMMARY: a headline, one table row a finding,
 * and the profiles that could not be audited. Provider-supplied text is escaped so it cannot break the table,
 * inject HTML or links, or mention anyone.
 */
export function auditMarkdown(report: AuditReport): string {
  const lines = ['## keywarden audit', '', `**${summaryLine(report)}**`, ''];
  if (report.findings.length > 0) {
    lines.push('| Severity | Rule | Profile | Key | Name | Finding |', '| --- | --- | --- | --- | --- | --- |');
    for (const finding of report.findings) lines.push(row(finding));
    lines.push('');
  }
  if (report.errors.length > 0) {
    lines.push('### Profiles not audited', '', '| Profile | Error |', '| --- | --- |');
    for (const error of report.errors) lines.push(`| ${code(error.profile)} | ${plain(error.error)} |`);
    lines.push('');
  }
  if (report.baseline) lines.push(...sinceBaseline(report.baseline));
  const { thresholds } = report.policy;
  const asOf =
    report.asOf === undefined ? '' : `, as of ${report.asOf} (every age, idle time and expiry measured to then)`;
  lines.push(
    `<sub>Generated ${report.generatedAt}${asOf}. Maximum age ${span(thresholds.maxAgeMs)}, maximum idle ${span(thresholds.maxIdleMs)}, ` +
      `expiring within ${span(thresholds.expiringWithinMs)}.</sub>`,
    '',
  );
  return lines.join('\n');
}

/** What changed since --baseline: new and gone findings, new and removed keys; unchanged findings only counted. */
function sinceBaseline(diff: BaselineDiff): string[] {
  const lines = ['### Since the last review', ''];
  const compared = diff.profiles.length > 0 ? diff.profiles.map(code).join(', ') : 'none';
  lines.push(
    `Compared with ${code(diff.file)}, the audit of ${diff.generatedAt}, over the profiles audited both times: ${compared}.`,
    '',
    `**${baselineCounts(diff)}**`,
    '',
  );
  if (diff.newFindings.length + diff.goneFindings.length > 0) {
    lines.push(
      '| Change | Severity | Rule | Profile | Key | Name | Finding |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...diff.newFindings.map((f) => `| new | ${cellsOf(f).join(' | ')} |`),
      ...diff.goneFindings.map((f) => `| gone | ${cellsOf(f).join(' | ')} |`),
      '',
    );
  }
  if (diff.newKeys.length + diff.removedKeys.length > 0) {
    const keyRow = (change: string, k: KeyRef): string =>
      `| ${change} | ${profileCell(k)} | ${code(k.key_id)} | ${k.key_name === null ? '' : code(k.key_name)} |`;
    lines.push(
      '| Key | Profile | Id | Name |',
      '| --- | --- | --- | --- |',
      ...diff.newKeys.map((k) => keyRow('new', k)),
      ...diff.removedKeys.map((k) => keyRow('removed', k)),
      '',
    );
  }
  return lines;
}

const profileCell = (item: { profile: string; provider: string }): string =>
  item.profile === item.provider ? code(item.profile) : `${code(item.profile)} (${plain(item.provider)})`;

function row(finding: Finding): string {
  return `| ${cellsOf(finding).join(' | ')} |`;
}

function cellsOf(finding: Finding): string[] {
  const profile = profileCell(finding);
  return [
    marks[finding.severity],
    code(finding.rule),
    profile,
    code(finding.key_id),
    finding.key_name === null ? '' : code(finding.key_name),
    plain(finding.message),
  ];
}

/** One line of provider text: every control, escape and invisible character shown as a visible escape. */
const oneLine = (text: string): string => inert(text).trim();

/** Text in a table cell: no HTML, no emphasis or links, no table breaks, no @-mentions. */
export function plain(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** A code span in a table cell, however many backticks the text holds; GitHub renders nothing inside one. */
export function code(text: string): string {
  const content = oneLine(text).replace(/\|/g, '\\|');
  if (content === '') return '';
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = content.startsWith('`') || content.endsWith('`') ? ` ${content} ` : content;
  return `${fence}${padded}${fence}`;
}
