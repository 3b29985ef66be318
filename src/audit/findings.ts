import type { Capabilities, Key } from '../providers/types.js';
import type { Policy, Waiver } from './policy.js';
import { ruleIds, rules, type RuleId } from './rules.js';
import { bySeverity, type Severity } from './severity.js';

/** One finding, its fields in the order the README documents. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  provider: string;
  profile: string;
  key_id: string;
  key_name: string | null;
  message: string;
}

/** One profile's keys, with what its provider reports. */
export interface ProfileKeys {
  profile: string;
  provider: string;
  capabilities: Capabilities;
  keys: Key[];
}

/** The findings of the policy's enabled rules over one profile, at the policy's severities. */
export function profileFindings(scan: ProfileKeys, policy: Policy, now: Date): Finding[] {
  const context = { now, thresholds: policy.thresholds, capabilities: scan.capabilities };
  return rules
    .filter((rule) => policy.rules[rule.id].enabled)
    .flatMap((rule) =>
      rule.check(scan.keys, context).map(({ key, message }) => ({
        rule: rule.id,
        severity: policy.rules[rule.id].severity,
        provider: key.provider,
        profile: key.profile,
        key_id: key.id,
        key_name: key.name,
        message,
      })),
    );
}

const ruleOrder = (rule: RuleId): number => ruleIds.indexOf(rule);
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Most severe first, then the rules' order, then profile and key: the same input always reads the same. */
export function findingOrder(a: Finding, b: Finding): number {
  return (
    bySeverity(a.severity, b.severity) ||
    ruleOrder(a.rule) - ruleOrder(b.rule) ||
    text(a.profile, b.profile) ||
    text(a.key_id, b.key_id)
  );
}

export function waiverApplies(waiver: Waiver, finding: Finding, now: Date): boolean {
  return (
    waiver.expires.getTime() > now.getTime() &&
    waiver.keyId === finding.key_id &&
    waiver.rule === finding.rule &&
    (waiver.profile === undefined || waiver.profile === finding.profile)
  );
}

/** Splits findings into those that stand and those a waiver still in force covers. */
export function applyWaivers(
  findings: Finding[],
  waivers: readonly Waiver[],
  now: Date,
): { kept: Finding[]; waived: Finding[] } {
  const kept: Finding[] = [];
  const waived: Finding[] = [];
  for (const finding of findings) (waivers.some((w) => waiverApplies(w, finding, now)) ? waived : kept).push(finding);
  return { kept, waived };
}
