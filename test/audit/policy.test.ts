import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { applyWaivers, profileFindings, type Finding } from '../../src/audit/findings.js';
import { defaultPolicy, expiredWaivers, loadPolicy, parsePolicy, type Policy } from '../../src/audit/policy.js';
import { ExitCode, UsageError } from '../../src/errors.js';
import { dayMs, daysAgo, everything, key, now } from './keys.js';

const policyFile = (content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'kw-policy-')), 'policy.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** The message of the UsageError a call throws; fails the test if it throws anything else or nothing. */
async function usageError(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

const oldBroadKey = key({ id: 'key_old', created_at: daysAgo(100), scopes: ['*'] });
const findingsUnder = (policy: Policy, keys = [oldBroadKey]): Finding[] =>
  profileFindings({ profile: 'edgedns', provider: 'edgedns', capabilities: everything, keys }, policy, now);

describe('policy: thresholds', () => {
  test('defaults follow CIS: 90 days, 45 days idle, 14 days warning, 7 days grace', async () => {
    const policy = await loadPolicy({});
    expect(policy.thresholds).toEqual({
      maxAgeMs: 90 * dayMs,
      maxIdleMs: 45 * dayMs,
      expiringWithinMs: 14 * dayMs,
      neverUsedGraceMs: 7 * dayMs,
    });
    expect(Object.values(policy.rules).every((r) => r.enabled)).toBe(true);
  });

  test('flags set thresholds; a bad flag value is a usage error naming the flag', async () => {
    const policy = await loadPolicy({ maxAge: '30d', maxIdle: '12h', expiringWithin: '2w' });
    expect(policy.thresholds).toMatchObject({
      maxAgeMs: 30 * dayMs,
      maxIdleMs: 12 * 3_600_000,
      expiringWithinMs: 14 * dayMs,
    });
    expect(await usageError(() => loadPolicy({ maxAge: 'ninety days' }))).toBe(
      "--max-age: 'ninety days' is not a duration",
    );
    expect(await usageError(() => loadPolicy({ expiringWithin: '14' }))).toContain('--expiring-within');
  });

  test('the file sets thresholds, and flags override the file', async () => {
    const path = policyFile({ thresholds: { 'max-age': '60d', 'max-idle': '30d', 'never-used-grace': '3d' } });
    expect((await loadPolicy({ policy: path })).thresholds).toEqual({
      maxAgeMs: 60 * dayMs,
      maxIdleMs: 30 * dayMs,
      expiringWithinMs: 14 * dayMs,
      neverUsedGraceMs: 3 * dayMs,
    });
    expect((await loadPolicy({ policy: path, maxAge: '120d' })).thresholds.maxAgeMs).toBe(120 * dayMs);
    // the file's 60d threshold makes a 70-day-old key old; the flag's 120d does not
    const seventy = [key({ id: 'key_70', created_at: daysAgo(70) })];
    expect(findingsUnder(await loadPolicy({ policy: path }), seventy).map((f) => f.rule)).toContain('max-age');
    expect(findingsUnder(await loadPolicy({ policy: path, maxAge: '120d' }), seventy).map((f) => f.rule)).not.toContain(
      'max-age',
    );
  });
});

describe('policy: rules', () => {
  test('a disabled rule raises nothing; the others still do', async () => {
    const policy = await loadPolicy({ policy: policyFile({ rules: { 'broad-scope': { enabled: false } } }) });
    expect(findingsUnder(defaultPolicy()).map((f) => f.rule)).toEqual(['max-age', 'broad-scope']);
    expect(findingsUnder(policy).map((f) => f.rule)).toEqual(['max-age']);
  });

  test('a severity override changes the findings of that rule only', async () => {
    const policy = await loadPolicy({
      policy: policyFile({
        rules: { 'max-age': { severity: 'high' }, 'broad-scope': { severity: 'low', enabled: true } },
      }),
    });
    expect(findingsUnder(policy).map((f) => [f.rule, f.severity])).toEqual([
      ['max-age', 'high'],
      ['broad-scope', 'low'],
    ]);
  });
});

describe('policy: waivers', () => {
  const waiverFile = (entries: object[]) => policyFile({ ignore: entries });
  const waiver = { key_id: 'key_old', rule: 'max-age', reason: 'vendor rotates it in July', expires: '2025-07-01' };

  test('a waiver in force removes exactly its finding', async () => {
    const policy = await loadPolicy({ policy: waiverFile([waiver]) });
    const { kept, waived } = applyWaivers(findingsUnder(policy), policy.waivers, now);
    expect(kept.map((f) => f.rule)).toEqual(['broad-scope']);
    expect(waived.map((f) => [f.rule, f.key_id])).toEqual([['max-age', 'key_old']]);
    expect(expiredWaivers(policy, now)).toEqual([]);
  });

  test('an expired waiver no longer applies, and is listed as expired (the boundary instant counts as expired)', async () => {
    for (const expires of ['2025-05-31', now.toISOString()]) {
      const policy = await loadPolicy({ policy: waiverFile([{ ...waiver, expires }]) });
      const { kept, waived } = applyWaivers(findingsUnder(policy), policy.waivers, now);
      expect(
        kept.map((f) => f.rule),
        expires,
      ).toEqual(['max-age', 'broad-scope']);
      expect(waived).toEqual([]);
      expect(expiredWaivers(policy, now).map((w) => w.keyId)).toEqual(['key_old']);
    }
  });

  test('a waiver matches key, rule and (when given) profile', async () => {
    const policy = await loadPolicy({
      policy: waiverFile([
        { ...waiver, rule: 'idle' },
        { ...waiver, key_id: 'key_other' },
        { ...waiver, rule: 'broad-scope', profile: 'staging' },
      ]),
    });
    expect(applyWaivers(findingsUnder(policy), policy.waivers, now).waived).toEqual([]);
    const inProfile = await loadPolicy({
      policy: waiverFile([{ ...waiver, rule: 'broad-scope', profile: 'edgedns' }]),
    });
    expect(applyWaivers(findingsUnder(inProfile), inProfile.waivers, now).kept.map((f) => f.rule)).toEqual(['max-age']);
  });
});

describe('policy: validation', () => {
  const fileError = async (content: unknown): Promise<string> => {
    const path = policyFile(content);
    return (await usageError(() => loadPolicy({ policy: path }))).replace(path, 'FILE');
  };

  test('bad JSON, or a document that is not an object', async () => {
    expect(await fileError('{"rules": {')).toMatch(/^--policy FILE: not valid JSON \(.+\)$/);
    expect(await fileError([])).toBe('--policy FILE: must be a JSON object');
  });

  test('an unknown field is an error naming its path, at every level', async () => {
    expect(await fileError({ rulez: {} })).toBe('--policy FILE: rulez: unknown field');
    expect(await fileError({ rules: { 'max-age': { severty: 'high' } } })).toBe(
      '--policy FILE: rules.max-age.severty: unknown field',
    );
    expect(await fileError({ rules: { 'max-agee': {} } })).toBe('--policy FILE: rules.max-agee: unknown rule');
    expect(await fileError({ thresholds: { 'max-age': '90d', 'min-age': '1d' } })).toBe(
      '--policy FILE: thresholds.min-age: unknown field',
    );
    expect(
      await fileError({ ignore: [{ key_id: 'k', rule: 'idle', reason: 'r', expires: '2030-01-01', until: 'x' }] }),
    ).toBe('--policy FILE: ignore[0].until: unknown field');
  });

  test('a wrong value names its path', async () => {
    expect(await fileError({ rules: { idle: { enabled: 'no' } } })).toBe(
      '--policy FILE: rules.idle.enabled: must be true or false',
    );
    expect(await fileError({ rules: { idle: { severity: 'urgent' } } })).toBe(
      '--policy FILE: rules.idle.severity: "urgent" is not one of high, medium, low',
    );
    expect(await fileError({ thresholds: { 'max-idle': 45 } })).toBe(
      '--policy FILE: thresholds.max-idle: must be a duration such as "90d"',
    );
    expect(await fileError({ thresholds: { 'max-idle': '45 days' } })).toBe(
      "--policy FILE: thresholds.max-idle: '45 days' is not a duration",
    );
    expect(await fileError({ ignore: {} })).toBe('--policy FILE: ignore: must be a list of waivers');
  });

  test('a waiver needs key_id, a known rule, a reason and a valid expiry date', async () => {
    const good = { key_id: 'k', rule: 'idle', reason: 'r', expires: '2030-01-01' };
    expect(await fileError({ ignore: [good, { ...good, reason: undefined }] })).toBe(
      '--policy FILE: ignore[1].reason: is required',
    );
    expect(await fileError({ ignore: [{ ...good, reason: '  ' }] })).toBe(
      '--policy FILE: ignore[0].reason: must be a non-empty string',
    );
    expect(await fileError({ ignore: [{ ...good, rule: 'old' }] })).toBe(
      '--policy FILE: ignore[0].rule: "old" is not a rule',
    );
    expect(await fileError({ ignore: [{ ...good, expires: 'next year' }] })).toBe(
      "--policy FILE: ignore[0].expires: 'next year' is not an ISO 8601 date",
    );
  });

  test('a missing file is a usage error', async () => {
    expect(await usageError(() => loadPolicy({ policy: '/nonexistent/keywarden-policy.json' }))).toBe(
      '--policy /nonexistent/keywarden-policy.json: cannot read it (no such file)',
    );
  });

  test("the README's complete policy example is valid and means what it says", async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('#### The policy file'));
    const example = /```json\n([\s\S]+?)\n```/.exec(section)![1]!;
    const policy = parsePolicy(example, 'README.md');
    expect(policy.rules['no-ip-allowlist'].enabled).toBe(false);
    expect(policy.rules['broad-scope'].severity).toBe('high');
    expect(policy.rules['no-expiry'].severity).toBe('medium');
    expect(policy.thresholds.maxAgeMs).toBe(90 * dayMs);
    expect(policy.waivers).toHaveLength(2);
  });
});
