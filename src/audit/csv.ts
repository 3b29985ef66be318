import { csvRow } from '../render/csv.js';
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

/** A header row, then one row a finding (RFC 4180). */
export function auditCsv(report: AuditReport): string {
  return (
    csvRow([...findingFields]) +
    report.findings.map((finding) => csvRow(findingFields.map((field) => finding[field]))).join('')
  );
}
