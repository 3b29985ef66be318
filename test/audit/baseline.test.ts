import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { AuditOptions } from '../../src/commands/audit.js';
import type { Env } from '../../src/context.js';
import type { SimKey, SimProviderId } from '../../src/sandbox/model.js';
import { simulatedProviders } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';
import { environmentWithProfiles, runAudit, simulatorProfiles } from './harness.js';
import { dayMs, now } from './keys.js';
import { seedAuditScenario } from './scenario.js';
import { validateSarif } from './sarif-schema.js';

/**
 * `audit --baseline`: two audits of the sandbox's audit scenario over every profile, between which keys are created,
 * revoked and two days pass on the injected clock (the sandbox's and keywarden's). Every change is expected in
 * exactly one section, and nothing else is.
 */

let clock = now;
const sandbox = useSandbox({ keys: 0, now: () => clock.getTime() });
let env: Env;

const dir = mkdtempSync(join(tmpdir(), 'kw-baseline-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const audit = (options: AuditOptions, output?: string, extra: { tty?: boolean; env?: Env } = {}) =>
  runAudit(
    { allProfiles: true, ...options },
    { env: extra.env ?? env, now: clock, tty: extra.tty, globals: output ? { output } : {} },
  );

/** A run of `audit -o json` saved, to be the next run's --baseline. */
async function saved(name: string, options: AuditOptions = {}): Promise<string> {
  const { code, stdout, stderr } = await audit(options, 'json');
  expect(code, stderr).toBe(0);
  return file(name, stdout);
}

type Finding = { rule: string; severity: string; provider: string; profile: string; key_id: string };
type KeyRef = { provider: string; profile: string; key_id: string; key_name: string | null };
type Document = {
  generated_at: string;
  findings: Finding[];
  profiles: string[];
  keys: KeyRef[];
  baseline?: {
    file: string;
    generated_at: string;
    profiles: string[];
    keys_compared: boolean;
    summary: Record<string, number>;
    new_keys: KeyRef[];
    removed_keys: KeyRef[];
    new_findings: Finding[];
    gone_findings: Finding[];
    unchanged_findings: Finding[];
  };
};

const findingId = (f: Finding): string => `${f.profile}/${f.provider}/${f.key_id}/${f.rule}`;
const keyId = (k: KeyRef): string => `${k.profile}/${k.provider}/${k.key_id}`;

const coboId = (n: number): string => `c0b00000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const edgeId = (n: number): string => `key_${(0xed000 + n).toString(16).padStart(24, '0')}`;
const dakotaYoung = `2dkyoung`.padEnd(27, '0');

const newKey = (fields: Partial<SimKey> & Pick<SimKey, 'id' | 'name'>): SimKey => ({
  secret: `baseline-test-secret-${fields.id}`,
  createdAt: clock.getTime(),
  lastUsedAt: clock.getTime(),
  expiresAt: clock.getTime() + 200 * dayMs,
  revokedAt: null,
  scopes: [],
  environment: 'live',
  ipAllowlist: ['203.0.113.0/24'],
  owner: 'owner',
  rateLimitOverride: null,
  ...fields,
});

const revoke = async (profile: SimProviderId, id: string): Promise<void> => {
  const { code, stderr } = await runCli(['--profile', profile, 'revoke', id, '--yes'], { env, now: () => clock });
  expect(code, stderr).toBe(0);
};

let first: string;
let second: Document;
let secondFile: string;

beforeAll(async () => {
  seedAuditScenario(sandbox.current);
  const profiles = simulatorProfiles(sandbox.current);
  env = await environmentWithProfiles(profiles, { KEYWARDEN_TOKEN: sandbox.current.token });

  // the review: every profile, on the test clock
  first = await saved('first.json');

  // a day later: a Cobo key with the admin scope and a quiet EdgeDNS key are made; two keys with broad scopes revoked
  clock = new Date(now.getTime() + dayMs);
  sandbox.current.accounts.cobo.keys.push(
    newKey({ id: coboId(11), name: 'Treasury admin', scopes: ['admin'], expiresAt: clock.getTime() + 30 * dayMs }),
  );
  sandbox.current.accounts.edgedns.keys.push(newKey({ id: edgeId(13), name: 'Metrics reader', scopes: ['dns:read'] }));
  await revoke('cobo', coboId(5)); // Admin console: broad-scope and no-expiry
  await revoke('edgedns', edgeId(8)); // Deploy bot: broad-scope

  // two days after the review, the next one
  clock = new Date(now.getTime() + 2 * dayMs);
  const { code, stdout, stderr } = await audit({ baseline: first }, 'json');
  expect(code, stderr).toBe(0);
  second = JSON.parse(stdout) as Document;
  secondFile = file('second.json', stdout);
});

/** What changed between the two reviews, and only that. */
const expected = {
  newFindings: [
    'cobo/cobo/' + coboId(11) + '/broad-scope', // made with the admin scope
    'dialnexa/dialnexa/key_prodserverone/max-age', // 89 days old, now 91
    `dakota/dakota/${dakotaYoung}/max-age`, // likewise
    'dialnexa/dialnexa/key_supportdashbo/idle', // last used 44 days before, now 46
    'dialnexa/dialnexa/key_localdevelopm/never-used', // 6 days old and never used, now 8
    `edgedns/edgedns/${edgeId(7)}/expiring-soon`, // expired in 15 days, now in 13
  ],
  goneFindings: [
    `cobo/cobo/${coboId(5)}/broad-scope`,
    `cobo/cobo/${coboId(5)}/no-expiry`,
    `edgedns/edgedns/${edgeId(8)}/broad-scope`,
  ],
  newKeys: [`cobo/cobo/${coboId(11)}`, `edgedns/edgedns/${edgeId(13)}`],
  removedKeys: [`cobo/cobo/${coboId(5)}`, `edgedns/edgedns/${edgeId(8)}`],
};
const sorted = (items: string[]): string[] => [...items].sort();

describe('audit --baseline -o json', () => {
  test('keys new and removed, findings new, gone and unchanged: each change exactly once, in its section', () => {
    const before = JSON.parse(readFileSync(first, 'utf8')) as Document;
    const { baseline } = second;
    expect(baseline).toBeDefined();
    expect(baseline!.file).toBe(first);
    expect(baseline!.generated_at).toBe(now.toISOString());
    expect(baseline!.profiles).toEqual(simulatedProviders);
    expect(baseline!.keys_compared).toBe(true);

    expect(sorted(baseline!.new_findings.map(findingId))).toEqual(sorted(expected.newFindings));
    expect(sorted(baseline!.gone_findings.map(findingId))).toEqual(sorted(expected.goneFindings));
    expect(sorted(baseline!.new_keys.map(keyId))).toEqual(sorted(expected.newKeys));
    expect(sorted(baseline!.removed_keys.map(keyId))).toEqual(sorted(expected.removedKeys));

    // unchanged: the earlier findings less the gone ones, which with the new ones are this run's findings
    const unchanged = baseline!.unchanged_findings.map(findingId);
    const gone = new Set(expected.goneFindings);
    expect(sorted(unchanged)).toEqual(sorted(before.findings.map(findingId).filter((id) => !gone.has(id))));
    expect(sorted(second.findings.map(findingId))).toEqual(sorted([...unchanged, ...expected.newFindings]));
    const all = [...baseline!.new_findings, ...baseline!.gone_findings, ...baseline!.unchanged_findings].map(findingId);
    expect(new Set(all).size).toBe(all.length);

    expect(baseline!.summary).toEqual({
      new_keys: 2,
      removed_keys: 2,
      new_findings: 6,
      gone_findings: 3,
      unchanged_findings: unchanged.length,
    });
    // the new findings are the run's own (their messages as of now), the gone ones as the baseline worded them
    expect(baseline!.new_findings.find((f) => f.key_id === coboId(11))).toMatchObject({ severity: 'high' });
    expect(before.findings).toEqual(expect.arrayContaining(baseline!.gone_findings));
  });

  test('the document keeps what the next --baseline reads: the profiles audited and every key', () => {
    expect(second.profiles).toEqual(simulatedProviders);
    expect(second.keys.map(keyId)).toContain(`cobo/cobo/${coboId(11)}`);
    expect(second.keys.map(keyId)).not.toContain(`cobo/cobo/${coboId(5)}`);
    for (const key of second.keys) expect(Object.keys(key)).toEqual(['provider', 'profile', 'key_id', 'key_name']);
  });

  test('a baseline from other profiles: only the profiles audited both times are compared', async () => {
    // the baseline covered every profile, this run only cobo: the other profiles' keys are not "removed"
    const { code, stdout, stderr } = await runCli(['--profile', 'cobo', 'audit', '--baseline', first, '-o', 'json'], {
      env,
      now: () => clock,
    });
    expect(code, stderr).toBe(0);
    const { baseline } = JSON.parse(stdout) as Document;
    expect(baseline!.profiles).toEqual(['cobo']);
    expect(baseline!.removed_keys.map(keyId)).toEqual([`cobo/cobo/${coboId(5)}`]);
    expect(baseline!.new_keys.map(keyId)).toEqual([`cobo/cobo/${coboId(11)}`]);
    expect(baseline!.gone_findings.map(findingId).every((id) => id.startsWith('cobo/'))).toBe(true);

    // the other way round: a cobo-only baseline; the other profiles' findings are neither new nor unchanged
    const coboOnly = file('cobo.json', stdout);
    const wide = await audit({ baseline: coboOnly }, 'json');
    const document = JSON.parse(wide.stdout) as Document;
    expect(document.baseline!.profiles).toEqual(['cobo']);
    expect(document.baseline!.new_findings).toEqual([]);
    expect(document.baseline!.new_keys).toEqual([]);
    expect(
      [...document.baseline!.unchanged_findings, ...document.baseline!.gone_findings].every(
        (f) => f.profile === 'cobo',
      ),
    ).toBe(true);
    const csv = await audit({ baseline: coboOnly }, 'csv');
    const rows = csv.stdout.trim().split('\n').slice(1);
    expect(rows.filter((row) => row.startsWith('max-age,medium,dakota,')).every((row) => row.endsWith(','))).toBe(true);
  });

  test('an older document without keys or profiles: findings compared, keys not, and stderr says so', async () => {
    const { keys: _keys, profiles: _profiles, ...old } = JSON.parse(readFileSync(first, 'utf8')) as Document;
    const { code, stdout, stderr } = await audit({ baseline: file('old.json', JSON.stringify(old)) }, 'json');
    expect(code).toBe(0);
    expect(stderr).toContain('lists no keys (an older keywarden wrote it): new and removed keys are not compared\n');
    const { baseline } = JSON.parse(stdout) as Document;
    expect(baseline!.keys_compared).toBe(false);
    expect(baseline!.new_keys).toEqual([]);
    expect(sorted(baseline!.new_findings.map(findingId))).toEqual(sorted(expected.newFindings));
  });
});

/** Splits a markdown table row on the pipes that are not escaped. */
const cells = (row: string): string[] =>
  row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/^`|`$/g, ''));

describe('audit --baseline: markdown and table', () => {
  test('markdown: a "Since the last review" section with each change once, the unchanged only counted', async () => {
    const { code, stdout } = await audit({ baseline: first }, 'markdown');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^## keywarden audit\n\n\*\*.+; 6 new and 3 gone since 2025-06-01 12:00 UTC\*\*\n/);
    const section = stdout.slice(stdout.indexOf('### Since the last review'));
    expect(section.length).toBeLessThan(stdout.length);
    expect(section).toContain('over the profiles audited both times: `dialnexa`, `dakota`, `edgedns`, `cobo`.');
    expect(section).toMatch(/\*\*6 new findings, 3 gone, \d+ unchanged; 2 new keys, 2 removed\*\*/);

    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
      .map(cells);
    const findingRows = rows.filter((row) => row.length === 7 && row[0] !== 'Change');
    const keyRows = rows.filter((row) => row.length === 4 && row[0] !== 'Key');
    const findingOf = (row: string[]): string => `${row[3]}/${row[3]}/${row[4]}/${row[2]}`;
    expect(sorted(findingRows.filter((r) => r[0] === 'new').map(findingOf))).toEqual(sorted(expected.newFindings));
    expect(sorted(findingRows.filter((r) => r[0] === 'gone').map(findingOf))).toEqual(sorted(expected.goneFindings));
    expect(findingRows).toHaveLength(9);
    const keyOf = (row: string[]): string => `${row[1]}/${row[1]}/${row[2]}`;
    expect(sorted(keyRows.filter((r) => r[0] === 'new').map(keyOf))).toEqual(sorted(expected.newKeys));
    expect(sorted(keyRows.filter((r) => r[0] === 'removed').map(keyOf))).toEqual(sorted(expected.removedKeys));
    expect(keyRows).toHaveLength(4);
  });

  test('html: a "Since the last review" section with each change once, in its list', async () => {
    const { code, stdout } = await audit({ baseline: first }, 'html');
    expect(code).toBe(0);
    const section = stdout.slice(
      stdout.indexOf('<h2 id="baseline-h">'),
      stdout.indexOf('</section>', stdout.indexOf('<h2 id="baseline-h">')),
    );
    const listed = (id: string, attribute: string): string[] => {
      const list = new RegExp(`<ul id="${id}">(.*?)</ul>`).exec(section)?.[1] ?? '';
      return [...list.matchAll(new RegExp(`<li ${attribute}="([^"]+)"`, 'g'))].map((m) => m[1]!);
    };
    expect(sorted(listed('new-findings', 'data-finding'))).toEqual(sorted(expected.newFindings));
    expect(sorted(listed('gone-findings', 'data-finding'))).toEqual(sorted(expected.goneFindings));
    expect(sorted(listed('new-keys', 'data-key'))).toEqual(sorted(expected.newKeys));
    expect(sorted(listed('removed-keys', 'data-key'))).toEqual(sorted(expected.removedKeys));
    expect(section).toMatch(/<p>\d+ findings unchanged\.<\/p>/);
    expect(section).toContain(`Compared with <code>${first}</code>`);
    // once each: nowhere else in the section
    for (const id of [...expected.newFindings, ...expected.goneFindings])
      expect(section.split(`"${id}"`)).toHaveLength(2);
  });

  test('table on a terminal: a short section with each change once (smoke)', async () => {
    const { code, stdout } = await audit({ baseline: first }, undefined, { tty: true, env: { ...env, NO_COLOR: '1' } });
    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf('SINCE THE LAST REVIEW'), stdout.indexOf('KEY AGE'));
    expect(section).toContain(`(${first}, 2025-06-01 12:00 UTC; profiles compared: dialnexa, dakota, edgedns, cobo)`);
    const count = (change: string): number =>
      section.split('\n').filter((line) => new RegExp(`^│ ${change} +│`).test(line)).length;
    expect([count('new finding'), count('gone finding'), count('new key'), count('removed key')]).toEqual([6, 3, 2, 2]);
    for (const id of [coboId(11), edgeId(13), coboId(5), edgeId(8), edgeId(7)]) expect(section).toContain(id);
    expect(section).toMatch(/6 new findings, 3 gone, \d+ unchanged; 2 new keys, 2 removed\n/);
  });

  test('table in a pipe: a seventh field says new or unchanged', async () => {
    const { stdout, stderr } = await audit({ baseline: first });
    const lines = stdout.trim().split('\n');
    expect(lines.every((line) => line.split('\t').length === 7)).toBe(true);
    expect(lines.filter((line) => line.endsWith('\tnew'))).toHaveLength(6);
    expect(lines.filter((line) => line.endsWith('\tunchanged'))).toHaveLength(lines.length - 6);
    expect(stderr).toMatch(/; 6 new and 3 gone since 2025-06-01 12:00 UTC\n$/);
  });
});

describe('audit --baseline: csv and sarif mark each finding', () => {
  test('csv: a baseline_state column, new or unchanged', async () => {
    const { stdout } = await audit({ baseline: first }, 'csv');
    const [header, ...rows] = stdout.trim().split('\n');
    expect(header).toBe('rule,severity,provider,profile,key_id,key_name,message,baseline_state');
    expect(rows.filter((row) => row.endsWith(',new'))).toHaveLength(6);
    expect(rows.filter((row) => row.endsWith(',unchanged'))).toHaveLength(rows.length - 6);
    expect(
      rows.some((row) => row.startsWith(`broad-scope,high,cobo,cobo,${coboId(11)},`) && row.endsWith(',new')),
    ).toBe(true);
  });

  test('sarif: baselineState on each result, the comparison in the run properties; still valid SARIF', async () => {
    const { stdout } = await audit({ baseline: first }, 'sarif');
    const log = JSON.parse(stdout) as {
      runs: {
        results: { ruleId: string; baselineState?: string; properties: { key_id: string } }[];
        properties: { baseline: { gone_findings: Finding[]; summary: Record<string, number> } };
      }[];
    };
    expect(validateSarif(log)).toEqual([]);
    const [run] = log.runs;
    const states = run!.results.map((r) => r.baselineState);
    expect(states.filter((s) => s === 'new')).toHaveLength(6);
    expect(states.filter((s) => s === 'unchanged')).toHaveLength(states.length - 6);
    expect(sorted(run!.properties.baseline.gone_findings.map(findingId))).toEqual(sorted(expected.goneFindings));
    expect(run!.properties.baseline.summary).toMatchObject({ new_findings: 6, gone_findings: 3 });
  });
});

describe('audit --fail-on-new', () => {
  test('exit 3 when a finding at or above the severity is new since the baseline', async () => {
    // the Cobo admin key is a new high finding
    const { code, stdout } = await audit({ baseline: first, failOnNew: 'high' }, 'json');
    expect(code).toBe(3);
    expect((JSON.parse(stdout) as Document).baseline!.summary.new_findings).toBe(6);
  });

  test('exit 0 when the only high findings are unchanged, though lower ones are new', async () => {
    // a day after the second review: the Pact runner (expiring 3 days after the first) has expired, a new low finding
    clock = new Date(now.getTime() + 3 * dayMs);
    try {
      const high = await audit({ baseline: secondFile, failOnNew: 'high' }, 'json');
      const document = JSON.parse(high.stdout) as Document;
      expect(document.baseline!.new_findings.map(findingId)).toEqual([`cobo/cobo/${coboId(6)}/expired`]);
      expect(document.findings.filter((f) => f.severity === 'high').length).toBeGreaterThan(0);
      expect(high.code).toBe(0);
      expect((await audit({ baseline: secondFile, failOnNew: 'low' }, 'json')).code).toBe(3);
      // --fail-on keeps its meaning: any high finding at all
      expect((await audit({ baseline: secondFile, failOn: 'high' }, 'json')).code).toBe(3);
    } finally {
      clock = new Date(now.getTime() + 2 * dayMs);
    }
  });
});

describe('audit --baseline and --fail-on-new: bad input is exit 2, one line, before any request', () => {
  const cases = (): [string, AuditOptions, string][] => [
    [
      'a missing file',
      { baseline: join(dir, 'nope.json') },
      `keywarden: --baseline ${join(dir, 'nope.json')}: cannot read it (no such file)`,
    ],
    ['a folder', { baseline: dir }, `keywarden: --baseline ${dir}: cannot read it (a folder)`],
    [
      'not JSON',
      { baseline: file('bad.json', 'hello\nworld') },
      `keywarden: --baseline ${join(dir, 'bad.json')}: not valid JSON (Unexpected token 'h', "hello\\nworld" is not valid JSON)`,
    ],
    [
      'an empty file (a redirect to the baseline itself)',
      { baseline: file('empty.json', '') },
      `keywarden: --baseline ${join(dir, 'empty.json')}: empty, not an audit document`,
    ],
    [
      'a JSON array (a list -o json)',
      { baseline: file('list.json', '[]') },
      `keywarden: --baseline ${join(dir, 'list.json')}: not an audit document (a JSON array); make one with keywarden audit -o json`,
    ],
    [
      'a SARIF log',
      { baseline: file('log.sarif', JSON.stringify({ version: '2.1.0', runs: [] })) },
      `keywarden: --baseline ${join(dir, 'log.sarif')}: not an audit document (no generated_at date); make one with keywarden audit -o json`,
    ],
    [
      'a finding without a key id',
      {
        baseline: file(
          'broken.json',
          JSON.stringify({
            generated_at: now.toISOString(),
            summary: {},
            findings: [{ rule: 'idle', severity: 'low', provider: 'x', profile: 'x', key_name: null, message: '' }],
            errors: [],
          }),
        ),
      },
      `keywarden: --baseline ${join(dir, 'broken.json')}: not an audit document (findings[0].key_id: not a string); make one with keywarden audit -o json`,
    ],
    [
      '--fail-on-new without --baseline',
      { failOnNew: 'high' },
      'keywarden: --fail-on-new needs --baseline, the earlier audit to compare with',
    ],
    [
      '--fail-on-new with a bad severity',
      { baseline: 'unread.json', failOnNew: 'critical' as 'high' },
      "keywarden: --fail-on-new: 'critical' is not one of high, medium, low",
    ],
  ];
  test.each(cases().map(([name, options, message]) => [name, options, message] as const))(
    '%s',
    async (_name, options, message) => {
      const before = sandbox.current.requests.length;
      const { code, stdout, stderr } = await audit(options, 'json');
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`${message}\n`);
      expect(sandbox.current.requests.length).toBe(before);
    },
  );
});

test('nothing any audit printed holds a key secret or the admin token', () => {
  expectNoLeaks(sandbox.current);
});
