import type { Capabilities, Key } from '../providers/types.js';
import type { Severity } from './severity.js';
import { beyond, day, elapsed, quoted, span } from './wording.js';

/**
 * The audit rules the README lists, each a pure function of one profile's keys, the provider's capabilities, a
 * clock and thresholds. Thresholds follow CIS (rotate within 90 days, disable credentials unused for 45 days), PCI
 * DSS 8.2.6 and NIST SP 800-57 (limited cryptoperiods).
 */

export const ruleIds = [
  'max-age',
  'idle',
  'never-used',
  'expired',
  'no-expiry',
  'expiring-soon',
  'broad-scope',
  'no-ip-allowlist',
  'duplicate-name',
] as const;
export type RuleId = (typeof ruleIds)[number];

export interface Thresholds {
  /** max-age: created longer ago than this */
  maxAgeMs: number;
  /** idle: last used longer ago than this */
  maxIdleMs: number;
  /** expiring-soon: expires within this */
  expiringWithinMs: number;
  /** never-used: a key younger than this may simply not have been deployed yet */
  neverUsedGraceMs: number;
}

const dayMs = 86_400_000;

export const defaultThresholds: Thresholds = {
  maxAgeMs: 90 * dayMs,
  maxIdleMs: 45 * dayMs,
  expiringWithinMs: 14 * dayMs,
  neverUsedGraceMs: 7 * dayMs,
};

export interface RuleContext {
  now: Date;
  thresholds: Thresholds;
  /** what the provider reports: a rule whose data it lacks never fires */
  capabilities: Capabilities;
}

export interface Hit {
  key: Key;
  message: string;
}

export interface AuditRule {
  id: RuleId;
  severity: Severity;
  /** one line: SARIF shortDescription, table headings */
  title: string;
  /** what fires it: SARIF fullDescription */
  description: string;
  /** why it matters and what to do: SARIF help */
  help: string;
  /** the capabilities whose data the rule reads */
  needs: readonly (keyof Capabilities)[];
  /** the keys of one profile in, hits out; nothing when the provider lacks what the rule `needs` */
  check(keys: readonly Key[], context: RuleContext): Hit[];
}

/** A rule can fire for a provider only when the provider reports all the data the rule reads. */
export function applicable(rule: Pick<AuditRule, 'needs'>, capabilities: Capabilities): boolean {
  return rule.needs.every((capability) => capabilities[capability]);
}

function defineRule(rule: AuditRule): AuditRule {
  return {
    ...rule,
    check: (keys, context) => (applicable(rule, context.capabilities) ? rule.check(keys, context) : []),
  };
}

const time = (iso: string): number => Date.parse(iso);

export function isExpired(key: Key, now: Date): boolean {
  if (key.status === 'revoked') return false;
  return key.status === 'expired' || (key.expires_at !== null && time(key.expires_at) <= now.getTime());
}

/** Active and not past its expiry: a key that works. */
export function isLive(key: Key, now: Date): boolean {
  return key.status === 'active' && !isExpired(key, now);
}

/** A rule that looks at each live key on its own. Revoked and expired keys raise nothing here. */
function eachLiveKey(test: (key: Key, context: RuleContext) => string | undefined): AuditRule['check'] {
  return (keys, context) =>
    keys.flatMap((key) => {
      if (!isLive(key, context.now)) return [];
      const message = test(key, context);
      return message === undefined ? [] : [{ key, message }];
    });
}

const maxAge = defineRule({
  id: 'max-age',
  severity: 'medium',
  title: 'Key older than the maximum age',
  description: 'The key was created longer ago than the maximum age (default 90 days).',
  help:
    'Long-lived keys accumulate exposure: every copy, log line and laptop they reached stays a way in. Rotate keys at ' +
    'least every 90 days (CIS benchmarks; NIST SP 800-57 cryptoperiods): `keywarden rotate <key>`.',
  needs: [],
  check: eachLiveKey((key, { now, thresholds }) => {
    if (key.created_at === null) return undefined;
    const age = now.getTime() - time(key.created_at);
    if (age <= thresholds.maxAgeMs) return undefined;
    return `created ${beyond(age, thresholds.maxAgeMs)} ago; rotate keys at least every ${span(thresholds.maxAgeMs)}`;
  }),
});

const idle = defineRule({
  id: 'idle',
  severity: 'medium',
  title: 'Key not used recently',
  description: 'The key was last used longer ago than the maximum idle time (default 45 days).',
  help:
    'A key nobody uses is only a risk. Revoke credentials unused for 45 days (CIS benchmarks; PCI DSS 8.2.6 allows ' +
    'at most 90 days): `keywarden revoke <key>`, or `keywarden revoke --unused-for 45d`.',
  needs: ['usageTracking'],
  check: eachLiveKey((key, { now, thresholds }) => {
    if (!key.usage_tracked || key.last_used_at === null) return undefined;
    const unused = now.getTime() - time(key.last_used_at);
    if (unused <= thresholds.maxIdleMs) return undefined;
    return `last used ${beyond(unused, thresholds.maxIdleMs)} ago; revoke keys unused for more than ${span(thresholds.maxIdleMs)}`;
  }),
});

const neverUsed = defineRule({
  id: 'never-used',
  severity: 'medium',
  title: 'Key never used',
  description: 'The key has never been used and was created more than 7 days ago.',
  help:
    'A key that was never used after a week was probably never deployed, or its rollout failed; either way it is ' +
    'an unneeded credential. Revoke it: `keywarden revoke <key>`.',
  needs: ['usageTracking'],
  check: eachLiveKey((key, { now, thresholds }) => {
    if (!key.usage_tracked || key.last_used_at !== null || key.created_at === null) return undefined;
    const age = now.getTime() - time(key.created_at);
    if (age <= thresholds.neverUsedGraceMs) return undefined;
    return `never used since it was created ${elapsed(age)} ago; revoke keys nobody uses`;
  }),
});

const expired = defineRule({
  id: 'expired',
  severity: 'low',
  title: 'Expired key not revoked',
  description: 'The key has expired but has not been revoked.',
  help:
    'An expired key no longer works, but left in place it clutters the list and hides the keys that matter. Revoke ' +
    'it: `keywarden revoke --expired`.',
  // Without expiry dates an "expired" status cannot be told from a revoked key (DialNexa lists revoked keys as expired).
  needs: ['expiry'],
  check: (keys, { now }) =>
    keys.flatMap((key) => {
      if (!isExpired(key, now)) return [];
      const past = key.expires_at !== null && time(key.expires_at) <= now.getTime();
      const when = past ? ` ${elapsed(now.getTime() - time(key.expires_at!))} ago (${day(key.expires_at!)})` : '';
      return [{ key, message: `expired${when} but not revoked; revoke it` }];
    }),
});

const noExpiry = defineRule({
  id: 'no-expiry',
  severity: 'low',
  title: 'Key without an expiry date',
  description: 'The key has no expiry date although the provider supports one.',
  help:
    'A key without an expiry works until someone remembers to revoke it; a leaked one works forever. Give keys an ' +
    'expiry date: `keywarden rotate <key>` and create the new one with `--expires-in 90d`.',
  needs: ['expiry'],
  check: eachLiveKey((key) =>
    key.expires_at === null ? 'has no expiry date; set one so a leaked key stops working on its own' : undefined,
  ),
});

const expiringSoon = defineRule({
  id: 'expiring-soon',
  severity: 'medium',
  title: 'Key expiring soon',
  description: 'The key has not expired yet and expires within the warning window (default 14 days).',
  help:
    'When a key expires, whatever uses it stops working. Rotate it before then: `keywarden rotate <key>` creates, ' +
    'stores and delivers the new key, then revokes the old one.',
  needs: ['expiry'],
  check: eachLiveKey((key, { now, thresholds }) => {
    if (key.expires_at === null) return undefined;
    const left = time(key.expires_at) - now.getTime();
    if (left > thresholds.expiringWithinMs) return undefined;
    return `expires in ${elapsed(left)} (${day(key.expires_at)}); rotate it before then`;
  }),
});

export function isBroadScope(scope: string): boolean {
  return scope === '*' || scope === 'admin' || scope.endsWith(':*') || scope.startsWith('*:');
}

const broadScope = defineRule({
  id: 'broad-scope',
  severity: 'high',
  title: 'Key with a broad scope',
  description: "The key has a scope that is '*' or 'admin', ends in ':*', or starts with '*:'.",
  help:
    'A key with every permission turns any leak into a full compromise. Grant each key only the scopes it needs ' +
    '(least privilege): create a narrower key and rotate to it.',
  needs: ['scopes'],
  check: eachLiveKey((key) => {
    const broad = key.scopes.filter(isBroadScope);
    if (broad.length === 0) return undefined;
    return `has the broad scope${broad.length === 1 ? '' : 's'} ${broad.map(quoted).join(', ')}; grant only the scopes it needs`;
  }),
});

const noIpAllowlist = defineRule({
  id: 'no-ip-allowlist',
  severity: 'low',
  title: 'Live key without an IP allowlist',
  description: 'A live (not test) key has an empty IP allowlist although the provider supports allowlists.',
  help:
    'An allowlist makes a leaked key useless from anywhere else. Restrict live keys to the addresses of the ' +
    'services that call with them.',
  needs: ['ipAllowlist'],
  check: eachLiveKey((key) => {
    if (key.environment === 'test' || key.ip_allowlist === null || key.ip_allowlist.length > 0) return undefined;
    return 'live key with no IP allowlist; restrict it to the addresses that use it';
  }),
});

const createdTime = (key: Key): number => (key.created_at === null ? -Infinity : time(key.created_at));

/** Newest first; equal creation times fall back to the id, so the choice never depends on listing order. */
const newestFirst = (a: Key, b: Key): number =>
  createdTime(b) - createdTime(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const duplicateName = defineRule({
  id: 'duplicate-name',
  severity: 'medium',
  title: 'Several active keys with one name',
  description: 'Another active key has the same name; every one of them but the newest is reported.',
  help:
    'Two active keys with one name are usually a rotation left half done: the old key still works. Once nothing ' +
    'uses the older key, revoke it (CIS: one active key per user or purpose).',
  needs: ['names'],
  check: (keys, { now }) => {
    const groups = new Map<string, Key[]>();
    for (const key of keys) {
      if (!isLive(key, now) || key.name === null || key.name === '') continue;
      const group = `${key.profile}\u0000${key.name}`;
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    return [...groups.values()].flatMap((group) => {
      const [newest, ...older] = [...group].sort(newestFirst);
      return older.map((key) => ({
        key,
        message: `another active key named ${quoted(key.name!)} is newer (${newest!.id}); revoke this one once nothing uses it`,
      }));
    });
  },
});

/** Every rule, in the order of the README's rule table. */
export const rules: readonly AuditRule[] = [
  maxAge,
  idle,
  neverUsed,
  expired,
  noExpiry,
  expiringSoon,
  broadScope,
  noIpAllowlist,
  duplicateName,
];

export const ruleById = new Map<RuleId, AuditRule>(rules.map((rule) => [rule.id, rule]));
