import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseDate, parseDuration } from '../util/time.js';
import { defaultThresholds, ruleIds, rules, type RuleId, type Thresholds } from './rules.js';
import { isSeverity, severities, type Severity } from './severity.js';

/** What the audit checks and how loudly: rules on or off and their severity, thresholds, waivers. The README documents the policy file. */
export interface Policy {
  rules: Record<RuleId, RuleSetting>;
  thresholds: Thresholds;
  waivers: Waiver[];
}

export interface RuleSetting {
  enabled: boolean;
  severity: Severity;
}

/** A finding accepted on purpose, for a while: one rule on one key, with the reason, until `expires`. */
export interface Waiver {
  keyId: string;
  rule: RuleId;
  reason: string;
  expires: Date;
  /** only in this profile; every profile when absent */
  profile?: string;
}

/** The audit's flags that shape the policy; each overrides the policy file. */
export interface PolicyFlags {
  maxAge?: string;
  maxIdle?: string;
  expiringWithin?: string;
  policy?: string;
}

export function defaultPolicy(): Policy {
  return {
    rules: Object.fromEntries(rules.map((rule) => [rule.id, { enabled: true, severity: rule.severity }])) as Record<
      RuleId,
      RuleSetting
    >,
    thresholds: { ...defaultThresholds },
    waivers: [],
  };
}

/** The policy file's threshold names (as the flags), and which threshold each sets. */
const thresholdFields = {
  'max-age': 'maxAgeMs',
  'max-idle': 'maxIdleMs',
  'expiring-within': 'expiringWithinMs',
  'never-used-grace': 'neverUsedGraceMs',
} as const satisfies Record<string, keyof Thresholds>;

/** The policy for a run: the defaults, then the policy file, then the flags. Bad input of any of them is exit 2. */
export async function loadPolicy(flags: PolicyFlags): Promise<Policy> {
  const policy =
    flags.policy === undefined ? defaultPolicy() : parsePolicy(await readPolicyFile(flags.policy), flags.policy);
  return withFlags(policy, flags);
}

export function withFlags(policy: Policy, flags: PolicyFlags): Policy {
  const thresholds = { ...policy.thresholds };
  if (flags.maxAge !== undefined) thresholds.maxAgeMs = parseDuration(flags.maxAge, '--max-age');
  if (flags.maxIdle !== undefined) thresholds.maxIdleMs = parseDuration(flags.maxIdle, '--max-idle');
  if (flags.expiringWithin !== undefined)
    thresholds.expiringWithinMs = parseDuration(flags.expiringWithin, '--expiring-within');
  return { ...policy, thresholds };
}

/** Waivers whose time is up: they no longer apply, and the person should hear so. */
export function expiredWaivers(policy: Policy, now: Date): Waiver[] {
  return policy.waivers.filter((waiver) => waiver.expires.getTime() <= now.getTime());
}

async function readPolicyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`--policy ${path}: cannot read it (${reason})`);
  }
}

type Json = Record<string, unknown>;

/** Parses and strictly validates a policy file: bad JSON, a wrong type or an unknown field names its path. */
export function parsePolicy(text: string, source: string): Policy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--policy ${source}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (path: string, message: string, hint?: string): never => {
    throw new UsageError(`--policy ${source}: ${path ? `${path}: ` : ''}${message}`, hint);
  };
  const field = (path: string, name: string): string => (path ? `${path}.${name}` : name);

  const object = (value: unknown, path: string, allowed: readonly string[], what = 'field'): Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'must be a JSON object');
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name)) fail(field(path, name), `unknown ${what}`, `${what}s here: ${allowed.join(', ')}`);
    }
    return value as Json;
  };
  const nonEmpty = (value: unknown, path: string): string => {
    if (typeof value !== 'string' || value.trim() === '') return fail(path, 'must be a non-empty string');
    return value;
  };
  const ruleId = (value: unknown, path: string): RuleId => {
    if (typeof value !== 'string' || !(ruleIds as readonly string[]).includes(value)) {
      return fail(path, `${JSON.stringify(value)} is not a rule`, `rules: ${ruleIds.join(', ')}`);
    }
    return value as RuleId;
  };

  const policy = defaultPolicy();
  const root = object(document, '', ['rules', 'thresholds', 'ignore']);

  if (root.rules !== undefined) {
    const settings = object(root.rules, 'rules', ruleIds, 'rule');
    for (const [id, value] of Object.entries(settings)) {
      const path = field('rules', id);
      const setting = object(value, path, ['enabled', 'severity']);
      const rule = policy.rules[id as RuleId];
      if (setting.enabled !== undefined) {
        if (typeof setting.enabled !== 'boolean') fail(field(path, 'enabled'), 'must be true or false');
        rule.enabled = setting.enabled as boolean;
      }
      if (setting.severity !== undefined) {
        if (!isSeverity(setting.severity))
          fail(field(path, 'severity'), `${JSON.stringify(setting.severity)} is not one of ${severities.join(', ')}`);
        rule.severity = setting.severity as Severity;
      }
    }
  }

  if (root.thresholds !== undefined) {
    const names = Object.keys(thresholdFields) as (keyof typeof thresholdFields)[];
    const thresholds = object(root.thresholds, 'thresholds', names);
    for (const name of names) {
      const value = thresholds[name];
      if (value === undefined) continue;
      const path = field('thresholds', name);
      if (typeof value !== 'string') fail(path, 'must be a duration such as "90d"');
      policy.thresholds[thresholdFields[name]] = parseDuration(value as string, `--policy ${source}: ${path}`);
    }
  }

  if (root.ignore !== undefined) {
    if (!Array.isArray(root.ignore)) fail('ignore', 'must be a list of waivers');
    policy.waivers = (root.ignore as unknown[]).map((item, i) => {
      const path = `ignore[${i}]`;
      const entry = object(item, path, ['key_id', 'rule', 'reason', 'expires', 'profile']);
      for (const required of ['key_id', 'rule', 'reason', 'expires']) {
        if (entry[required] === undefined)
          fail(field(path, required), 'is required', 'a waiver names key_id, rule, reason and expires');
      }
      const waiver: Waiver = {
        keyId: nonEmpty(entry.key_id, field(path, 'key_id')),
        rule: ruleId(entry.rule, field(path, 'rule')),
        reason: nonEmpty(entry.reason, field(path, 'reason')),
        expires: parseDate(
          nonEmpty(entry.expires, field(path, 'expires')),
          `--policy ${source}: ${field(path, 'expires')}`,
        ),
      };
      if (entry.profile !== undefined) waiver.profile = nonEmpty(entry.profile, field(path, 'profile'));
      return waiver;
    });
  }
  return policy;
}
