import type { Key } from '../providers/types.js';
import { keyInventory, type BomProperty } from '../render/cyclonedx.js';
import type { Finding } from './findings.js';
import type { AuditReport } from './report.js';

/**
 * The audit as a CycloneDX 1.6 inventory: the keys audited, as `list -o cyclonedx` has them, each with its findings
 * as properties (`keywarden:finding:<rule>` is the severity, `keywarden:finding:<rule>:message` what was found), and
 * each profile that could not be audited as a property of the document.
 */
export function auditCyclonedx(
  report: AuditReport,
  options: { version: string; supplier: (key: Key) => string },
): object {
  const byKey = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const at = keyOf(finding.profile, finding.key_id);
    byKey.set(at, [...(byKey.get(at) ?? []), finding]);
  }
  return keyInventory({
    keys: report.keys,
    now: new Date(report.generatedAt),
    version: options.version,
    supplier: options.supplier,
    keyProperties: (key) =>
      (byKey.get(keyOf(key.profile, key.id)) ?? []).flatMap((finding): BomProperty[] => [
        { name: `keywarden:finding:${finding.rule}`, value: finding.severity },
        { name: `keywarden:finding:${finding.rule}:message`, value: finding.message },
      ]),
    properties: report.errors.map((error) => ({ name: `keywarden:notAudited:${error.profile}`, value: error.error })),
  });
}

const keyOf = (profile: string, id: string): string => JSON.stringify([profile, id]);
