import { csvRow } from '../render/csv.js';
import { baselineState } from './baseline.js';
import type { Finding } from './findings.js';
import type { AuditReport } from './report.js';

/** A finding's fields, in the order the README documents them: the CSV header. */
export const findingFields = [
  'rule',
  'severity',
  'provider',
  'profile',
  'key_id',
  'key_name',
  'message',
] as const satisfies readonly (keyof Finding)[];

/**
 * A header row, then one row a finding (RFC 4180). With --baseline a last column, `baseline_state`, says whether the
 * finding is `new` or `unchanged` since then (empty where its profile was not compared).
 */
export function auditCsv(report: AuditReport): string {
  const { baseline } = report;
  if (!baseline) {
    return (
      csvRow([...findingFields]) +
      report.findings.map((finding) => csvRow(findingFields.map((field) => finding[field]))).join('')
    );
  }
  return (
    csvRow([...findingFields, 'baseline_state']) +
    report.findings
      .map((finding) =>
        csvRow([...findingFields.map((field) => finding[field]), baselineState(baseline, finding) ?? null]),
      )
      .join('')
  );
}
