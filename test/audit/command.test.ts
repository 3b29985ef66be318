import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { AuditOptions } from '../../src/commands/audit.js';
import type { Env } from '../../src/context.js';
import type { SimProviderId } from '../../src/sandbox/model.js';
import { simulatedProviders } from '../../src/sandbox/server.js';
import { isolatedEnv } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';
import { environmentWithProfiles, runAudit, simulatorProfiles } from './harness.js';
import { now } from './keys.js';
import { scenario, seedAuditScenario } from './scenario.js';

/** The audit command's `run`, called in process against the sandbox's audit scenario on the test clock. */

const sandbox = useSandbox({ keys: 0, now: () => now.getTime() });
beforeAll(() => seedAuditScenario(sandbox.current));

const env = (extra: Env = {}): Env => isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token, ...extra });
const globalsFor = (provider: SimProviderId, output?: string) => ({
  provider,
  baseUrl: sandbox.current.baseUrl(provider),
  ...(output ? { output } : {}),
});
const audit = (
  provider: SimProviderId,
  options: AuditOptions = {},
  setup: { output?: string; env?: Env; tty?: boolean } = {},
) => runAudit(options, { env: setup.env ?? env(), now, tty: setup.tty, globals: globalsFor(provider, setup.output) });

type Document = {
  summary: { findings: number; by_rule: Record<string, number> };
  findings: { rule: string; severity: string; key_id: string; profile: string }[];
  errors: unknown[];
};
const json = async (provider: SimProviderId, options: AuditOptions = {}, extraEnv: Env = {}): Promise<Document> => {
  const { code, stdout } = await audit(provider, options, { output: 'json', env: env(extraEnv) });
  expect(code).toBe(0);
  return JSON.parse(stdout) as Document;
};

const policyFile = (content: object): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'kw-policy-')), 'policy.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('audit: one profile', () => {
  test('-o json over one profile; findings alone do not fail the run without --fail-on', async () => {
    const { code, stdout, stderr } = await audit('cobo', {}, { output: 'json' });
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as Document;
    expect(document.summary.findings).toBe(9);
    expect(document.errors).toEqual([]);
    expect(stderr).toBe('9 findings in 8 keys: 2 high, 5 medium, 2 low\n');
  });

  test('--max-age, --max-idle and --expiring-within move the thresholds', async () => {
    const defaults = await json('edgedns');
    const strict = await json('edgedns', { maxAge: '30d', maxIdle: '10d', expiringWithin: '120d' });
    expect(defaults.summary.by_rule).toMatchObject({ 'max-age': 1, idle: 1, 'expiring-soon': 1 });
    // live keys created 40, 60, 70 and 100 days ago (two exactly 30); one last used 46 days ago; six expiring in 14 to 100 days
    expect(strict.summary.by_rule).toMatchObject({ 'max-age': 4, idle: 1, 'expiring-soon': 6 });
  });

  test('a bad token for the one profile is exit 4, one line and a hint, and no document', async () => {
    const { code, stdout, stderr } = await audit(
      'edgedns',
      {},
      { output: 'json', env: env({ KEYWARDEN_TOKEN: 'wrong-token' }) },
    );
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^keywarden: edgedns: GET \/keys: 401 .+\nhint: .+\n$/);
  });
});

describe('audit --fail-on', () => {
  test.each([
    ['dakota', 'high', 0],
    ['dakota', 'medium', 3],
    ['dakota', 'low', 3],
    ['edgedns', 'high', 3],
  ] as const)(
    '%s (findings: dakota medium only, edgedns up to high) with --fail-on %s: exit %i',
    async (provider, failOn, expected) => {
      const { code, stdout } = await audit(provider, { failOn }, { output: 'json' });
      expect(code).toBe(expected);
      expect(JSON.parse(stdout).findings.length).toBeGreaterThan(0);
    },
  );

  test("a severity override decides too: dakota's max-age made low passes --fail-on medium", async () => {
    const path = policyFile({ rules: { 'max-age': { severity: 'low' } } });
    expect((await audit('dakota', { failOn: 'medium', policy: path }, { output: 'json' })).code).toBe(0);
    expect((await audit('dakota', { failOn: 'low', policy: path }, { output: 'json' })).code).toBe(3);
  });
});

describe('audit --all-profiles', () => {
  let base: Env;
  beforeAll(async () => {
    const profiles = simulatorProfiles(sandbox.current);
    base = await environmentWithProfiles(
      { ...profiles, broken: { provider: 'edgedns', base_url: sandbox.current.baseUrl('edgedns') } },
      { KEYWARDEN_TOKEN: sandbox.current.token, KEYWARDEN_TOKEN_BROKEN: 'wrong' },
    );
  });

  test('a failing profile is in errors, the others are audited concurrently; exit 1, or 3 when --fail-on decides', async () => {
    const start = sandbox.current.requests.length;
    const plain = await runAudit({ allProfiles: true }, { env: base, now, globals: { output: 'json' } });
    expect(plain.code).toBe(1);
    const firstFive = sandbox.current.requests.slice(start, start + 5).map((r) => r.provider);
    expect(new Set(firstFive).size).toBe(4);
    const document = JSON.parse(plain.stdout) as Document;
    expect(document.errors).toEqual([
      { profile: 'broken', error: 'edgedns: GET /keys: 401 Invalid or missing API key (INVALID_API_KEY)' },
    ]);
    expect(new Set(document.findings.map((f) => f.profile))).toEqual(new Set(simulatedProviders));

    const gated = await runAudit(
      { allProfiles: true, failOn: 'high' },
      { env: base, now, globals: { output: 'json' } },
    );
    expect(gated.code).toBe(3);
    expect(gated.stdout).toBe(plain.stdout);
  });

  test('every profile failing the same way is that exit code', async () => {
    const { code } = await runAudit(
      { allProfiles: true },
      { env: { ...base, KEYWARDEN_TOKEN: 'wrong' }, now, globals: { output: 'json' } },
    );
    expect(code).toBe(4);
  });
});

describe('audit: bad input is exit 2 before any request', () => {
  test.each<[string, AuditOptions, string | undefined, RegExp]>([
    [
      '--fail-on',
      { failOn: 'critical' as 'high' },
      'json',
      /^keywarden: --fail-on: 'critical' is not one of high, medium, low\n$/,
    ],
    ['--max-age', { maxAge: '3 months' }, 'json', /^keywarden: --max-age: '3 months' is not a duration\nhint: /],
    ['--max-idle', { maxIdle: '-1d' }, 'json', /^keywarden: --max-idle: /],
    ['--expiring-within', { expiringWithin: 'soon' }, 'json', /^keywarden: --expiring-within: /],
    [
      '--policy',
      { policy: '/nonexistent/policy.json' },
      'json',
      /^keywarden: --policy \/nonexistent\/policy.json: cannot read it/,
    ],
    [
      '-o ndjson',
      {},
      'ndjson',
      /^keywarden: -o ndjson: not a format of this command\nhint: formats: table, json, csv, markdown, sarif, html, cyclonedx\n$/,
    ],
  ])('%s', async (_name, options, output, message) => {
    const before = sandbox.current.requests.length;
    const { code, stdout, stderr } = await audit('cobo', options, { output });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(sandbox.current.requests.length).toBe(before);
  });

  test('a policy file with an unknown field names it', async () => {
    const path = policyFile({ rules: { idle: { enable: false } } });
    const { code, stderr } = await audit('cobo', { policy: path }, { output: 'json' });
    expect(code).toBe(2);
    expect(stderr).toContain(`keywarden: --policy ${path}: rules.idle.enable: unknown field`);
  });
});

describe('audit --policy', () => {
  const treasury = scenario.cobo[0]!.id;
  const waiver = { key_id: treasury, rule: 'max-age', reason: 'rotated with the vendor in July' };

  test('a waiver in force hides its finding and the summary counts it', async () => {
    const { code, stdout, stderr } = await audit(
      'cobo',
      { policy: policyFile({ ignore: [{ ...waiver, expires: '2025-07-01' }] }) },
      { output: 'json' },
    );
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as Document;
    expect(document.findings.some((f) => f.key_id === treasury && f.rule === 'max-age')).toBe(false);
    expect(document.summary.by_rule['max-age']).toBe(0);
    expect(stderr).toBe('8 findings in 8 keys: 2 high, 4 medium, 2 low; 1 waived\n');
  });

  test('an expired waiver no longer applies, and stderr says so', async () => {
    const { stdout, stderr } = await audit(
      'cobo',
      { policy: policyFile({ ignore: [{ ...waiver, expires: '2025-05-01' }] }) },
      { output: 'json' },
    );
    const document = JSON.parse(stdout) as Document;
    expect(document.findings.some((f) => f.key_id === treasury && f.rule === 'max-age')).toBe(true);
    expect(stderr).toContain(
      `keywarden: warning: the policy's waiver of max-age for key ${treasury} expired 2025-05-01 and no longer applies (rotated with the vendor in July)\n`,
    );
  });

  test('a disabled rule raises nothing; --max-age overrides the file', async () => {
    const path = policyFile({ rules: { 'broad-scope': { enabled: false } }, thresholds: { 'max-age': '10d' } });
    const fromFile = await json('cobo', { policy: path });
    expect(fromFile.summary.by_rule['broad-scope']).toBe(0);
    expect(fromFile.summary.by_rule['max-age']).toBe(4);
    expect((await json('cobo', { policy: path, maxAge: '90d' })).summary.by_rule['max-age']).toBe(1);
  });
});

describe('audit output', () => {
  test('a table on a terminal: findings grouped by severity in colour, the key-age histogram, the summary', async () => {
    const { code, stdout, stderr } = await audit('edgedns', {}, { tty: true, env: env({ FORCE_COLOR: '1' }) });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const order = ['HIGH', 'MEDIUM', 'LOW', 'KEY AGE', '10 findings in 11 keys'].map((text) => stdout.indexOf(text));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stdout).toContain('\u001b[31m');
    expect(stdout).toContain('another active key named "Billing worker" is newer');
    // the findings wrap to the terminal's width (160 columns here)
    const visible = stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
    expect(Math.max(...visible.map((line) => line.length))).toBeLessThanOrEqual(160);

    const plain = await audit('edgedns', {}, { tty: true, env: env({ NO_COLOR: '1' }) });
    expect(plain.stdout).toContain('KEY AGE');
    expect(plain.stdout).not.toContain('\u001b[');
  });

  test('table in a pipe: one finding a line, tab-separated, no header or colour; the summary on stderr', async () => {
    const { stdout, stderr } = await audit('edgedns');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines.every((line) => line.split('\t').length === 6)).toBe(true);
    expect(stdout).not.toContain('RULE');
    expect(stdout).not.toContain('\u001b[');
    expect(stderr).toBe('10 findings in 11 keys: 2 high, 5 medium, 3 low\n');
  });

  test('-o csv and -o markdown', async () => {
    const csv = await audit('dialnexa', {}, { output: 'csv' });
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toBe('rule,severity,provider,profile,key_id,key_name,message');
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => /^[a-z-]+,medium,dialnexa,dialnexa,key_[a-z]+,/.test(row))).toBe(true);

    const markdown = await audit('dialnexa', {}, { output: 'markdown' });
    expect(markdown.stdout).toMatch(/^## keywarden audit\n\n\*\*4 findings in 9 keys: 0 high, 4 medium, 0 low\*\*\n/);
    expect(markdown.stdout.split('\n').filter((line) => line.startsWith('| 🟠 medium |'))).toHaveLength(4);
  });
});

describe('audit under GitHub Actions', () => {
  test('findings and failed profiles become ::error / ::warning annotations on stderr; stdout is unchanged', async () => {
    const actions = await audit('cobo', {}, { output: 'sarif', env: env({ GITHUB_ACTIONS: 'true' }) });
    const annotations = actions.stderr.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations.filter((line) => line.startsWith('::error title=keywarden broad-scope (high)::'))).toHaveLength(
      2,
    );
    expect(annotations.filter((line) => line.startsWith('::warning '))).toHaveLength(7);
    expect(annotations).toHaveLength(9);

    const local = await audit('cobo', {}, { output: 'sarif' });
    expect(local.stderr).not.toContain('::');
    expect(local.stdout).toBe(actions.stdout);
  });

  test('a job summary with the totals and every finding is appended to $GITHUB_STEP_SUMMARY, unless the run prints markdown', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'kw-summary-')), 'step-summary.md');
    writeFileSync(summary, '## an earlier step\n\n');
    const ci = env({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    await audit('cobo', {}, { output: 'sarif', env: ci });
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('## an earlier step\n\n## keywarden audit\n\n**9 findings in ')).toBe(true);
    expect(written.split('\n').filter((line) => /^\| (🔴 high|🟠 medium|🟡 low) \|/.test(line))).toHaveLength(9);
    await audit('cobo', {}, { output: 'markdown', env: ci });
    expect(readFileSync(summary, 'utf8')).toBe(written);
  });
});

test('nothing any audit printed holds a key secret or the admin token', () => {
  expectNoLeaks(sandbox.current);
});
