import { describe, expect, test } from 'vitest';
import { defaultThresholds, ruleById, rules, type RuleId, type RuleContext } from '../../src/audit/rules.js';
import type { Capabilities, Key } from '../../src/providers/types.js';
import { capabilitiesOf, dayMs, daysAgo, everything, inDays, key, now } from './keys.js';

const context = (capabilities: Capabilities = everything, thresholds = defaultThresholds): RuleContext => ({
  now,
  thresholds,
  capabilities,
});

/** The messages a rule raises for the given keys, by key id. */
function fire(rule: RuleId, keys: Key[], ctx: RuleContext = context()): Record<string, string> {
  return Object.fromEntries(
    ruleById
      .get(rule)!
      .check(keys, ctx)
      .map((hit) => [hit.key.id, hit.message]),
  );
}

const fires = (rule: RuleId, k: Key, ctx?: RuleContext): boolean => k.id in fire(rule, [k], ctx);

describe('max-age (created more than 90 days ago)', () => {
  test('fires past the boundary, not at it or inside it', () => {
    expect(fires('max-age', key({ created_at: daysAgo(89) }))).toBe(false);
    expect(fires('max-age', key({ created_at: daysAgo(90) }))).toBe(false);
    expect(fires('max-age', key({ created_at: daysAgo(90, 1) }))).toBe(true);
    expect(fires('max-age', key({ created_at: daysAgo(91) }))).toBe(true);
  });

  test('says how old the key is and what to do, never "90 days" for a key just past 90 days', () => {
    const old = key({ created_at: daysAgo(120) });
    expect(fire('max-age', [old])[old.id]).toBe('created 120 days ago; rotate keys at least every 90 days');
    const justPast = key({ created_at: daysAgo(90, 3_600_000) });
    expect(fire('max-age', [justPast])[justPast.id]).toBe(
      'created more than 90 days ago; rotate keys at least every 90 days',
    );
  });

  test('follows the threshold, and a key without a creation time raises nothing', () => {
    const ctx = context(everything, { ...defaultThresholds, maxAgeMs: 30 * dayMs });
    expect(fires('max-age', key({ created_at: daysAgo(31) }), ctx)).toBe(true);
    expect(fires('max-age', key({ created_at: daysAgo(29) }), ctx)).toBe(false);
    expect(fires('max-age', key({ created_at: null }))).toBe(false);
  });
});

describe('idle (last used more than 45 days ago)', () => {
  test('fires past the boundary, not at it or inside it', () => {
    const old = { created_at: daysAgo(80) };
    expect(fires('idle', key({ ...old, last_used_at: daysAgo(44) }))).toBe(false);
    expect(fires('idle', key({ ...old, last_used_at: daysAgo(45) }))).toBe(false);
    expect(fires('idle', key({ ...old, last_used_at: daysAgo(45, 1) }))).toBe(true);
    const idle = key({ ...old, last_used_at: daysAgo(46) });
    expect(fire('idle', [idle])[idle.id]).toBe('last used 46 days ago; revoke keys unused for more than 45 days');
  });

  test('a never-used key is never-used, not idle; untracked usage raises nothing', () => {
    expect(fires('idle', key({ created_at: daysAgo(200), last_used_at: null }))).toBe(false);
    expect(fires('idle', key({ last_used_at: daysAgo(100), usage_tracked: false }))).toBe(false);
    expect(fires('idle', key({ last_used_at: daysAgo(100) }), context({ ...everything, usageTracking: false }))).toBe(
      false,
    );
  });
});

describe('never-used (never used and created more than 7 days ago)', () => {
  test('fires past the 7-day grace, not at it or inside it', () => {
    expect(fires('never-used', key({ created_at: daysAgo(6), last_used_at: null }))).toBe(false);
    expect(fires('never-used', key({ created_at: daysAgo(7), last_used_at: null }))).toBe(false);
    expect(fires('never-used', key({ created_at: daysAgo(7, 1), last_used_at: null }))).toBe(true);
    const unused = key({ created_at: daysAgo(8), last_used_at: null });
    expect(fire('never-used', [unused])[unused.id]).toBe(
      'never used since it was created 8 days ago; revoke keys nobody uses',
    );
  });

  test('only where usage is tracked, and not for a key that was used', () => {
    expect(fires('never-used', key({ created_at: daysAgo(30), last_used_at: daysAgo(1) }))).toBe(false);
    expect(fires('never-used', key({ created_at: daysAgo(30), last_used_at: null, usage_tracked: false }))).toBe(false);
    expect(
      fires('never-used', key({ created_at: daysAgo(30), last_used_at: null }), context(capabilitiesOf('dakota'))),
    ).toBe(false);
  });
});

describe('expired (expired but not revoked)', () => {
  test('fires from the moment of expiry, whether the status or the date says so', () => {
    expect(fires('expired', key({ expires_at: now.toISOString() }))).toBe(true);
    expect(fires('expired', key({ expires_at: inDays(0, 1) }))).toBe(false);
    expect(fires('expired', key({ status: 'expired', expires_at: daysAgo(3) }))).toBe(true);
    const gone = key({ status: 'expired', expires_at: '2025-05-22T00:00:00.000Z' });
    expect(fire('expired', [gone])[gone.id]).toBe('expired 10 days ago (2025-05-22) but not revoked; revoke it');
  });

  test('a revoked key, or a provider without expiry dates (DialNexa lists revoked keys as expired), raises nothing', () => {
    expect(fires('expired', key({ status: 'revoked', expires_at: daysAgo(3), revoked_at: daysAgo(2) }))).toBe(false);
    expect(fires('expired', key({ status: 'expired', expires_at: null }), context(capabilitiesOf('dialnexa')))).toBe(
      false,
    );
  });
});

describe('no-expiry (no expiry date, where the provider supports expiry)', () => {
  test('fires for a live key without an expiry date', () => {
    expect(fires('no-expiry', key({ expires_at: null }))).toBe(true);
    expect(fires('no-expiry', key({ expires_at: inDays(300) }))).toBe(false);
  });

  test('never where the provider has no expiry dates', () => {
    for (const provider of ['dialnexa', 'dakota']) {
      expect(fires('no-expiry', key({ expires_at: null }), context(capabilitiesOf(provider))), provider).toBe(false);
    }
    expect(fires('no-expiry', key({ expires_at: null }), context(capabilitiesOf('cobo')))).toBe(true);
  });
});

describe('expiring-soon (not yet expired, expires within 14 days)', () => {
  test('fires at the boundary and inside it, not past it, and not once expired', () => {
    expect(fires('expiring-soon', key({ expires_at: inDays(14, 1) }))).toBe(false);
    expect(fires('expiring-soon', key({ expires_at: inDays(14) }))).toBe(true);
    expect(fires('expiring-soon', key({ expires_at: inDays(13) }))).toBe(true);
    expect(fires('expiring-soon', key({ expires_at: inDays(0, 1) }))).toBe(true);
    expect(fires('expiring-soon', key({ expires_at: now.toISOString() }))).toBe(false);
    const soon = key({ expires_at: '2025-06-06T00:00:00.000Z' });
    expect(fire('expiring-soon', [soon])[soon.id]).toBe('expires in 4 days (2025-06-06); rotate it before then');
  });

  test('follows --expiring-within', () => {
    const ctx = context(everything, { ...defaultThresholds, expiringWithinMs: 30 * dayMs });
    expect(fires('expiring-soon', key({ expires_at: inDays(29) }), ctx)).toBe(true);
    expect(fires('expiring-soon', key({ expires_at: inDays(31) }), ctx)).toBe(false);
  });
});

describe('broad-scope', () => {
  test.each([['*'], ['admin'], ['dns:*'], ['*:read'], ['dns:read', 'pact:*']])('fires for %s', (...scopes) => {
    expect(fires('broad-scope', key({ scopes }))).toBe(true);
  });

  test.each([['dns:read'], ['admin:read'], ['wallet:transfer', 'dns:write'], []])('not for %s', (...scopes) => {
    expect(fires('broad-scope', key({ scopes }))).toBe(false);
  });

  test('names the broad scopes; never where the provider has no scopes', () => {
    const wide = key({ scopes: ['dns:read', '*', 'admin'] });
    expect(fire('broad-scope', [wide])[wide.id]).toBe(
      'has the broad scopes "*", "admin"; grant only the scopes it needs',
    );
    expect(fires('broad-scope', key({ scopes: ['*'] }), context(capabilitiesOf('dialnexa')))).toBe(false);
  });
});

describe('no-ip-allowlist (a live key with an empty allowlist, where the provider supports allowlists)', () => {
  test('fires for a live-environment key with an empty allowlist', () => {
    expect(fires('no-ip-allowlist', key({ ip_allowlist: [] }))).toBe(true);
    expect(fires('no-ip-allowlist', key({ ip_allowlist: [], environment: null }))).toBe(true);
  });

  test('not for a test key, a key with an allowlist, an unreported allowlist, an expired key, or a provider without allowlists', () => {
    expect(fires('no-ip-allowlist', key({ ip_allowlist: [], environment: 'test' }))).toBe(false);
    expect(fires('no-ip-allowlist', key({ ip_allowlist: ['198.51.100.7'] }))).toBe(false);
    expect(fires('no-ip-allowlist', key({ ip_allowlist: null }))).toBe(false);
    expect(fires('no-ip-allowlist', key({ ip_allowlist: [], status: 'expired', expires_at: daysAgo(1) }))).toBe(false);
    expect(fires('no-ip-allowlist', key({ ip_allowlist: [] }), context(capabilitiesOf('cobo')))).toBe(false);
  });
});

describe('duplicate-name (another active key has the same name)', () => {
  test('fires on every one but the newest', () => {
    const oldest = key({ name: 'Deploy bot', created_at: daysAgo(80) });
    const older = key({ name: 'Deploy bot', created_at: daysAgo(40) });
    const newest = key({ name: 'Deploy bot', created_at: daysAgo(2) });
    const other = key({ name: 'Billing worker', created_at: daysAgo(50) });
    const hits = fire('duplicate-name', [oldest, other, newest, older]);
    expect(Object.keys(hits).sort()).toEqual([oldest.id, older.id].sort());
    expect(hits[oldest.id]).toBe(
      `another active key named "Deploy bot" is newer (${newest.id}); revoke this one once nothing uses it`,
    );
  });

  test('only active keys count: a newer revoked or expired twin does not make the live one a duplicate', () => {
    const live = key({ name: 'Ledger sync', created_at: daysAgo(80) });
    const revoked = key({ name: 'Ledger sync', created_at: daysAgo(3), status: 'revoked', revoked_at: daysAgo(1) });
    const expired = key({ name: 'Ledger sync', created_at: daysAgo(2), status: 'expired', expires_at: daysAgo(1) });
    expect(fire('duplicate-name', [live, revoked, expired])).toEqual({});
  });

  test('not across profiles, not for keys without names, never where the provider has no names', () => {
    const a = key({ name: 'Same', profile: 'prod', created_at: daysAgo(20) });
    const b = key({ name: 'Same', profile: 'staging', created_at: daysAgo(10) });
    expect(fire('duplicate-name', [a, b])).toEqual({});
    expect(
      fire('duplicate-name', [
        key({ name: null, created_at: daysAgo(20) }),
        key({ name: null, created_at: daysAgo(10) }),
      ]),
    ).toEqual({});
    const twins = [key({ name: 'Twin', created_at: daysAgo(20) }), key({ name: 'Twin', created_at: daysAgo(10) })];
    expect(Object.keys(fire('duplicate-name', twins))).toHaveLength(1);
    expect(fire('duplicate-name', twins, context(capabilitiesOf('dakota')))).toEqual({});
  });

  test('equal creation times: the choice does not depend on listing order', () => {
    const a = key({ name: 'Tie', created_at: daysAgo(5) });
    const b = key({ name: 'Tie', created_at: daysAgo(5) });
    expect(Object.keys(fire('duplicate-name', [a, b]))).toEqual(Object.keys(fire('duplicate-name', [b, a])));
  });
});

describe('every rule', () => {
  /** A key that trips every rule it can: old, idle, broad, no allowlist, no expiry, with an older twin. */
  const worst = (fields: Partial<Key> = {}): Key[] => [
    key({
      name: 'Worst',
      created_at: daysAgo(200),
      last_used_at: daysAgo(100),
      expires_at: null,
      scopes: ['*'],
      ip_allowlist: [],
      ...fields,
    }),
    key({
      name: 'Worst',
      created_at: daysAgo(300),
      last_used_at: null,
      expires_at: inDays(3),
      scopes: ['admin'],
      ip_allowlist: [],
      ...fields,
    }),
    key({ name: 'Other', created_at: daysAgo(100), status: 'expired', expires_at: daysAgo(2), ...fields }),
  ];
  const firing = (keys: Key[], capabilities: Capabilities): RuleId[] =>
    rules.filter((rule) => rule.check(keys, context(capabilities)).length > 0).map((rule) => rule.id);

  test('the worst keys trip all nine rules where the provider reports everything', () => {
    expect(firing(worst(), everything)).toEqual(rules.map((r) => r.id));
  });

  test('revoked keys raise nothing, from any rule', () => {
    const revoked = worst({ status: 'revoked', revoked_at: daysAgo(1) });
    expect(firing(revoked, everything)).toEqual([]);
  });

  test.each([
    ['dialnexa', ['max-age', 'idle', 'never-used', 'duplicate-name']],
    ['dakota', ['max-age']],
    [
      'edgedns',
      [
        'max-age',
        'idle',
        'never-used',
        'expired',
        'no-expiry',
        'expiring-soon',
        'broad-scope',
        'no-ip-allowlist',
        'duplicate-name',
      ],
    ],
    [
      'cobo',
      ['max-age', 'idle', 'never-used', 'expired', 'no-expiry', 'expiring-soon', 'broad-scope', 'duplicate-name'],
    ],
  ])('%s: rules needing data the provider does not report never fire, even given the data', (provider, expected) => {
    expect(firing(worst(), capabilitiesOf(provider))).toEqual(expected);
  });

  test('every rule has an id, a severity and help, in the README order and with its default severity', () => {
    expect(rules.map((r) => [r.id, r.severity])).toEqual([
      ['max-age', 'medium'],
      ['idle', 'medium'],
      ['never-used', 'medium'],
      ['expired', 'low'],
      ['no-expiry', 'low'],
      ['expiring-soon', 'medium'],
      ['broad-scope', 'high'],
      ['no-ip-allowlist', 'low'],
      ['duplicate-name', 'medium'],
    ]);
    for (const rule of rules) expect(rule.help.length, rule.id).toBeGreaterThan(40);
  });
});
