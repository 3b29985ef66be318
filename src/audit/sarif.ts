import { createHash } from 'node:crypto';
import { baselineDocument, baselineState } from './baseline.js';
import type { Finding } from './findings.js';
import type { AuditReport } from './report.js';
import { rules, type AuditRule } from './rules.js';
import type { Severity } from './severity.js';

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it. Keys are not files, so each result carries:
 * - a logical location naming provider/profile/key (what SARIF has for things that are not files), and
 * - a stable pseudo file location, `keywarden/<provider>/<profile>/<key id>` at line 1, because code scanning shows
 *   a result only with a physical location (artifactLocation.uri and region.startLine); the file need not exist;
 * - its own partialFingerprints, since the upload action can only compute them from real files; a stable
 *   fingerprint keeps an alert the same alert across runs.
 */

const level: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };

/** GitHub's security-severity bands: high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const securitySeverity: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0' };

export function auditSarif(report: AuditReport): object {
  const enabled = rules.filter((rule) => report.policy.rules[rule.id].enabled);
  const index = new Map(enabled.map((rule, i) => [rule.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keywarden',
            rules: enabled.map((rule) => descriptor(rule, report.policy.rules[rule.id].severity)),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: report.errors.map((error) => ({
              level: 'error',
              message: { text: `profile ${error.profile} was not audited: ${error.error}` },
            })),
          },
        ],
        results: report.findings.map((finding) => {
          const state = report.baseline ? baselineState(report.baseline, finding) : undefined;
          return { ...result(finding, index.get(finding.rule)!), ...(state ? { baselineState: state } : {}) };
        }),
        ...runProperties(report),
      },
    ],
  };
}

/**
 * With --at or --baseline, what the run measured against, in the run's property bag. Gone findings are listed here,
 * not as results with baselineState "absent": code scanning would open an alert for each of those.
 */
function runProperties(report: AuditReport): { properties?: Record<string, unknown> } {
  const properties: Record<string, unknown> = {};
  if (report.asOf !== undefined) properties.as_of = report.asOf;
  if (report.baseline) {
    const { summary, file, generated_at, profiles, keys_compared, new_keys, removed_keys, gone_findings } =
      baselineDocument(report.baseline);
    properties.baseline = {
      file,
      generated_at,
      profiles,
      keys_compared,
      summary,
      new_keys,
      removed_keys,
      gone_findings,
    };
  }
  return Object.keys(properties).length > 0 ? { properties } : {};
}

function descriptor(rule: AuditRule, severity: Severity): object {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: rule.help.replace(/`/g, ''), markdown: rule.help },
    defaultConfiguration: { level: level[severity] },
    properties: { tags: ['security', 'api-keys'], 'security-severity': securitySeverity[severity] },
  };
}

function result(finding: Finding, ruleIndex: number): object {
  const segments = [finding.provider, finding.profile, finding.key_id];
  const name = finding.key_name === null ? '' : ` ${JSON.stringify(finding.key_name)}`;
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: level[finding.severity],
    message: {
      text: `Key ${finding.key_id}${name} of profile ${finding.profile} (${finding.provider}): ${finding.message}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `keywarden/${segments.map(encodeURIComponent).join('/')}` },
          region: { startLine: 1 },
        },
        logicalLocations: [{ name: finding.key_id, fullyQualifiedName: segments.join('/'), kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'keywardenFinding/v1': fingerprint([...segments, finding.rule]) },
    properties: {
      provider: finding.provider,
      profile: finding.profile,
      key_id: finding.key_id,
      key_name: finding.key_name,
      severity: finding.severity,
    },
  };
}

function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
