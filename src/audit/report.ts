import type { Capabilities, Key } from '../providers/types.js';
import { applyWaivers, findingOrder, profileFindings, type Finding, type ProfileKeys } from './findings.js';
import type { Policy } from './policy.js';
import {
  baselineDocument,
  compareWithBaseline,
  keyOrder,
  keyRef,
  type BaselineDiff,
  type BaselineDocument,
  type KeyRef,
  type PreviousAudit,
} from './baseline.js';
import { applicable, ruleIds, rules, type RuleId } from './rules.js';
import { severities, type Severity } from './severity.js';
import { day } from './wording.js';

/** A profile that could not be audited (auth, network): the others still are. */
export interface ProfileError {
  profile: string;
  error: string;
}

/** One audit's outcome, from which every output format is built. */
export interface AuditReport {
  generatedAt: string;
  /** with --at: the moment every age, idle time and expiry is measured to, instead of generatedAt */
  asOf?: string;
  /** the profiles audited (those that answered), in the order given */
  profiles: string[];
  policy: Policy;
  /** every key audited: those of the profiles that answered, revoked ones left out */
  keys: Key[];
  /** the findings that stand, most severe first */
  findings: Finding[];
  /** findings a waiver in force covers */
  waived: Finding[];
  errors: ProfileError[];
  /** with --baseline: what changed since that audit (src/audit/baseline.ts) */
  baseline?: BaselineDiff;
  /** what could not be checked where a provider does not report the data a rule reads (no usage data, no expiry) */
  unchecked: UncheckedRules[];
}

/** The enabled rules a profile's provider gives no data for, and which data that is. */
export interface UncheckedRules {
  profile: string;
  provider: string;
  rules: RuleId[];
  missing: (keyof Capabilities)[];
}

export function buildReport(input: {
  now: Date;
  /** --at: measure to this moment instead of now */
  at?: Date;
  policy: Policy;
  scans: ProfileKeys[];
  errors: ProfileError[];
  /** --baseline: the earlier audit to compare with */
  baseline?: PreviousAudit;
}): AuditReport {
  const { now, policy } = input;
  const at = input.at ?? now;
  const all = input.scans.flatMap((scan) => profileFindings(scan, policy, at));
  const { kept, waived } = applyWaivers(all, policy.waivers, at);
  const report: AuditReport = {
    generatedAt: now.toISOString(),
    ...(input.at ? { asOf: input.at.toISOString() } : {}),
    profiles: input.scans.map((scan) => scan.profile),
    policy,
    keys: input.scans.flatMap((scan) => scan.keys.filter((key) => key.status !== 'revoked')),
    findings: kept.sort(findingOrder),
    waived,
    errors: [...input.errors].sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0)),
    unchecked: input.scans.flatMap((scan) => uncheckedRules(scan, policy)),
  };
  if (input.baseline) report.baseline = compareWithBaseline(report, input.baseline);
  return report;
}

/** The moment the report's ages are measured to: --at, or when it was made. */
export function measuredAt(report: AuditReport): Date {
  return new Date(report.asOf ?? report.generatedAt);
}

function uncheckedRules(scan: ProfileKeys, policy: Policy): UncheckedRules[] {
  const skipped = rules.filter((rule) => policy.rules[rule.id].enabled && !applicable(rule, scan.capabilities));
  if (skipped.length === 0) return [];
  const missing = [...new Set(skipped.flatMap((rule) => rule.needs.filter((need) => !scan.capabilities[need])))];
  return [{ profile: scan.profile, provider: scan.provider, rules: skipped.map((rule) => rule.id), missing }];
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

/** The `-o json` document, as the README documents it; `as_of` only with --at, `baseline` only with --baseline. */
export function auditDocument(report: AuditReport): {
  generated_at: string;
  as_of?: string;
  summary: Summary;
  findings: Finding[];
  errors: ProfileError[];
  /** what a later audit's --baseline compares with */
  profiles: string[];
  keys: KeyRef[];
  baseline?: BaselineDocument;
} {
  return {
    generated_at: report.generatedAt,
    ...(report.asOf !== undefined ? { as_of: report.asOf } : {}),
    summary: summarise(report),
    findings: report.findings,
    errors: report.errors,
    profiles: report.profiles,
    keys: report.keys.map(keyRef).sort(keyOrder),
    ...(report.baseline ? { baseline: baselineDocument(report.baseline) } : {}),
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
  if (report.baseline)
    parts.push(
      `${report.baseline.newFindings.length} new and ${report.baseline.goneFindings.length} gone since ${day(report.baseline.generatedAt)}`,
    );
  if (report.asOf !== undefined) parts.push(`as of ${day(report.asOf)}`);
  return parts.join('; ');
}
