import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Env } from '../../src/context.js';
import { simulatedProviders } from '../../src/sandbox/server.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';
import { now } from './keys.js';
import { seedAuditScenario } from './scenario.js';
import { validateSarif } from './sarif-schema.js';

/** `keywarden audit` through the command line: the flags as Commander parses them into the command's options. */

const sandbox = useSandbox({ keys: 0, now: () => now.getTime() });
beforeAll(() => seedAuditScenario(sandbox.current));

const env = (extra: Env = {}): Env => isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token, ...extra });
const cli = (argv: string[], extraEnv: Env = {}) => runCli(argv, { env: env(extraEnv), now: () => now });

describe('keywarden audit', () => {
  test('--help lists the options', async () => {
    const { code, stdout } = await cli(['audit', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--all-profiles', '--max-age', '--max-idle', '--expiring-within', '--policy', '--fail-on'])
      expect(stdout).toContain(flag);
  });

  test('-o json with every threshold flag; --fail-on decides exit 3', async () => {
    const { code, stdout, stderr } = await cli([
      ...sandbox.args('edgedns'),
      'audit',
      '-o',
      'json',
      '--max-age',
      '30d',
      '--max-idle',
      '10d',
      '--expiring-within',
      '120d',
      '--fail-on',
      'high',
    ]);
    expect(stderr).toMatch(/^\d+ findings in 11 keys: 2 high, \d+ medium, 3 low\n$/);
    expect(code).toBe(3);
    const document = JSON.parse(stdout) as { summary: { by_rule: Record<string, number> } };
    expect(document.summary.by_rule).toMatchObject({ 'max-age': 4, idle: 1, 'expiring-soon': 6 });
  });

  test('global options after the command, --policy, and exit 0 below the --fail-on threshold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-policy-'));
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rules: { 'max-age': { severity: 'low' } } }));
    const { code, stdout } = await cli([
      'audit',
      ...sandbox.args('dakota'),
      '-o',
      'csv',
      '--policy',
      policy,
      '--fail-on',
      'medium',
    ]);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .slice(1)
        .every((row) => row.startsWith('max-age,low,dakota,')),
    ).toBe(true);
  });

  test('--all-profiles -o sarif is valid SARIF covering every profile', async () => {
    const base = env();
    for (const provider of simulatedProviders) {
      expect((await runCli(['profile', 'add', provider, ...sandbox.args(provider)], { env: base })).code).toBe(0);
    }
    const { code, stdout } = await runCli(['audit', '--all-profiles', '-o', 'sarif'], { env: base, now: () => now });
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as { runs: { results: { properties: { profile: string } }[] }[] };
    expect(validateSarif(log)).toEqual([]);
    expect(new Set(log.runs[0]!.results.map((r) => r.properties.profile))).toEqual(new Set(simulatedProviders));
  });

  test('bad input is exit 2 with one line: unknown flag, bad severity, bad duration, a format audit lacks', async () => {
    for (const [argv, message] of [
      [['audit', '--bogus'], "keywarden: unknown option '--bogus'"],
      [['audit', '--fail-on', 'critical'], "keywarden: --fail-on: 'critical' is not one of high, medium, low"],
      [['audit', '--max-age', 'forever'], "keywarden: --max-age: 'forever' is not a duration"],
      [['audit', '-o', 'ndjson'], 'keywarden: -o ndjson: not a format of this command'],
    ] as const) {
      const { code, stderr } = await cli([...sandbox.args('cobo'), ...argv]);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(/^keywarden: .+\n(hint: .+\n)?$/);
      expect(stderr.split('\n')[0]).toBe(message);
    }
  });
});
