import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { AuditOptions } from '../../src/commands/audit.js';
import type { SimKey } from '../../src/sandbox/model.js';
import { isolatedEnv } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';
import { runAudit } from './harness.js';
import { dayMs, now } from './keys.js';
import { validateSarif } from './sarif-schema.js';

/**
 * `audit --at`: every age measured to another moment than now, against the injected clock. One Dakota key (Dakota
 * reports creation times only, so max-age is the one rule that can fire) created 80 days before the clock: the
 * max-age rule's default 90 days runs out 10 days from now, and the rule fires strictly past it.
 */

const sandbox = useSandbox({ keys: 0, now: () => now.getTime() });
const keyId = '2dkeightydays'.padEnd(27, '0');
const created = now.getTime() - 80 * dayMs;

beforeAll(() => {
  const key: SimKey = {
    id: keyId,
    name: null,
    secret: 'dakota-at-test-secret-0123456789',
    createdAt: created,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    scopes: [],
    environment: 'live',
    ipAllowlist: [],
    owner: 'owner-dakota',
    rateLimitOverride: null,
  };
  const { keys } = sandbox.current.accounts.dakota;
  keys.splice(0, keys.length, key);
});

const env = () => isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token });
const audit = (options: AuditOptions, output?: string, setup: { tty?: boolean } = {}) =>
  runAudit(options, {
    env: setup.tty ? { ...env(), NO_COLOR: '1' } : env(),
    now,
    tty: setup.tty,
    globals: { provider: 'dakota', baseUrl: sandbox.current.baseUrl('dakota'), ...(output ? { output } : {}) },
  });

type Document = {
  generated_at: string;
  as_of?: string;
  findings: { rule: string; key_id: string; message: string }[];
};
const json = async (options: AuditOptions): Promise<Document> => {
  const { code, stdout, stderr } = await audit(options, 'json');
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as Document;
};
const maxAge = (document: Document) => document.findings.filter((f) => f.rule === 'max-age' && f.key_id === keyId);
const iso = (daysFromNow: number, extraMs = 0): string =>
  new Date(now.getTime() + daysFromNow * dayMs + extraMs).toISOString();

describe('audit --at: the max-age boundary moves with the date', () => {
  test('without --at: 80 days old, not flagged, and no as_of in the document', async () => {
    const document = await json({});
    expect(maxAge(document)).toEqual([]);
    expect(document.generated_at).toBe(now.toISOString());
    expect(Object.keys(document)).not.toContain('as_of');
  });

  test.each([
    ['+9d', iso(9), 'at 89 days', false],
    ['+10d', iso(10), 'at exactly 90 days (the rule fires only past the maximum)', false],
    [iso(10, 1), iso(10, 1), 'at 90 days and 1 ms', true],
    ['+11d', iso(11), 'at 91 days', true],
    ['2025-06-11', '2025-06-11T00:00:00.000Z', 'a date alone is midnight UTC: 89.5 days', false],
    ['2025-06-12', '2025-06-12T00:00:00.000Z', 'the next midnight: 90.5 days', true],
    ['-30d', iso(-30), 'a past date: 50 days', false],
  ])('--at %s (%s) %s: flagged %s', async (at, asOf, _what, flagged) => {
    const document = await json({ at });
    // the report is made now; only the measuring moment moved
    expect(document.generated_at).toBe(now.toISOString());
    expect(document.as_of).toBe(asOf);
    expect(maxAge(document)).toHaveLength(flagged ? 1 : 0);
    if (flagged) expect(maxAge(document)[0]!.message).toMatch(/^created (more than 90|91) days ago; rotate keys/);
  });

  test('every format says the moment it measured to', async () => {
    const at = '+11d';
    const markdown = await audit({ at }, 'markdown');
    expect(markdown.stdout).toContain('; as of 2025-06-12 12:00 UTC**');
    expect(markdown.stdout).toContain(
      `<sub>Generated ${now.toISOString()}, as of ${iso(11)} (every age, idle time and expiry measured to then).`,
    );

    const table = await audit({ at }, undefined, { tty: true });
    expect(table.stdout.split('\n')[0]).toBe(
      'AS OF 2025-06-12 12:00 UTC (in 11 days): every age, idle time and expiry measured to then',
    );
    expect(table.stdout).toContain('1 finding in 1 key: 0 high, 1 medium, 0 low; as of 2025-06-12 12:00 UTC');

    // in a pipe the table is one finding a line; the summary on stderr says the moment
    const piped = await audit({ at });
    expect(piped.stderr).toBe('1 finding in 1 key: 0 high, 1 medium, 0 low; as of 2025-06-12 12:00 UTC\n');

    const sarif = await audit({ at }, 'sarif');
    const log = JSON.parse(sarif.stdout) as { runs: { properties?: { as_of?: string } }[] };
    expect(log.runs[0]!.properties).toEqual({ as_of: iso(11) });
    expect(validateSarif(log)).toEqual([]);
    // without --at the run has no properties at all (the golden SARIF is unchanged)
    const plain = JSON.parse((await audit({}, 'sarif')).stdout) as { runs: { properties?: object }[] };
    expect(plain.runs[0]!.properties).toBeUndefined();
  });
});

test('waivers are in force or lapsed as they are at that moment, and stderr says which lapsed by then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-at-policy-'));
  const policy = join(dir, 'policy.json');
  const waiver = { key_id: keyId, rule: 'max-age', reason: 'rotated in the June window', expires: '2025-06-20' };
  writeFileSync(policy, JSON.stringify({ ignore: [waiver] }));

  const waived = await audit({ at: '+11d', policy }, 'json');
  expect(maxAge(JSON.parse(waived.stdout) as Document)).toEqual([]);
  expect(waived.stderr).toBe('0 findings in 1 key; 1 waived; as of 2025-06-12 12:00 UTC\n');

  const lapsed = await audit({ at: '2025-07-01', policy }, 'json');
  expect(maxAge(JSON.parse(lapsed.stdout) as Document)).toHaveLength(1);
  expect(lapsed.stderr).toContain(
    `keywarden: warning: the policy's waiver of max-age for key ${keyId} expires 2025-06-20, before --at 2025-07-01, so it does not apply to this audit (rotated in the June window)\n`,
  );
});

describe('audit --at: bad input is exit 2, one line, before any request', () => {
  test.each(['soon', '2025-02-30', '+3 months', '+', '30d', '', '2025-13-01', '+99999999999d'])(
    "--at '%s'",
    async (at) => {
      const before = sandbox.current.requests.length;
      const { code, stdout, stderr } = await audit({ at }, 'json');
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`keywarden: --at: '${at}' is not a date\n`);
      expect(sandbox.current.requests.length).toBe(before);
    },
  );
});
