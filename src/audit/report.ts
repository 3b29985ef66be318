import type { Key } from '../providers/types.js';
import { applyWaivers, findingOrder, profileFindings, type Finding, type ProfileKeys } from './findings.js';
import type { Policy } from './policy.js';
import { ruleIds, type RuleId } from './rules.js';
import { severities, type Severity } from './severity.js';

/** A profile that could not be audited (auth, network): the others still are. */
export interface ProfileError {
  profile: string;
  error: string;
}

/** One audit's outcome, from which every output format is built. */
export interface AuditReport {
  generatedAt: string;
  policy: Policy;
  /** every key audited: those of the profiles that answered, revoked ones left out */
  keys: Key[];
  /** the findings that stand, most severe first */
  findings: Finding[];
  /** findings a waiver in force covers */
  waived: Finding[];
  errors: ProfileError[];
}

export function buildReport(input: {
  now: Date;
  policy: Policy;
  scans: ProfileKeys[];
  errors: ProfileError[];
}): AuditReport {
  const { now, policy } = input;
  const all = input.scans.flatMap((scan) => profileFindings(scan, policy, now));
  const { kept, waived } = applyWaivers(all, policy.waivers, now);
  return {
    generatedAt: now.toISOString(),
    policy,
    keys: input.scans.flatMap((scan) => scan.keys.filter((key) => key.status !== 'revoked')),
    findings: kept.sort(findingOrder),
    waived,
    errors: [...input.errors].sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0)),
  };
}

export interface Summary {
  keys: number;
  findings: number;
  /** every severity, most severe first, zero included */
  by_severity: Record<Severity, number>;
  /** every rule in the order of the README's rule table, zero included, so scripts can read any of them */
  by_rule: Record<RuleId, number>;
}

export function summarise(report: AuditReport): Summary {
  const count = <K extends string>(names: readonly K[], of: (finding: Finding) => K): Record<K, number> => {
    const counts = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
    for (const finding of report.findings) counts[of(finding)] += 1;
    return counts;
  };
  return {
    keys: report.keys.length,
    findings: report.findings.length,
    by_severity: count(severities, (f) => f.severity),
    by_rule: count(ruleIds, (f) => f.rule),
  };
}

/** The `-o json` document, as the README documents it. */
export function auditDocument(report: AuditReport): {
  generated_at: string;
  summary: Summary;
  findings: Finding[];
  errors: ProfileError[];
} {
  return {
    generated_at: report.generatedAt,
    summary: summarise(report),
    findings: report.findings,
    errors: report.errors,
  };
}

/** "14 findings in 120 keys: 2 high, 9 medium, 3 low", for a terminal, a log line or a PR comment. */
export function summaryLine(report: AuditReport): string {
  const { by_severity: counts } = summarise(report);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const findings = report.findings.length;
  const head = `${plural(findings, 'finding')} in ${plural(report.keys.length, 'key')}`;
  const parts = [findings > 0 ? `${head}: ${severities.map((s) => `${counts[s]} ${s}`).join(', ')}` : head];
  if (report.waived.length > 0) parts.push(`${report.waived.length} waived`);
  if (report.errors.length > 0) parts.push(`${plural(report.errors.length, 'profile')} not audited`);
  return parts.join('; ');
}
