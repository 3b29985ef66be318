import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Env } from '../../src/context.js';
import { useSandbox } from '../helpers/sandbox.js';
import { environmentWithProfiles, runAudit, simulatorProfiles } from './harness.js';
import { now } from './keys.js';
import { seedAuditScenario } from './scenario.js';
import { validateSarif } from './sarif-schema.js';

/**
 * A golden audit of the sandbox's audit scenario over every provider at once, on an injected clock, so it is the
 * same on every run. `UPDATE_GOLDEN=1 npx vitest run test/audit/golden.test.ts` rewrites the files; review the diff.
 */

const sandbox = useSandbox({ keys: 0, now: () => now.getTime() });
let env: Env;

beforeAll(async () => {
  seedAuditScenario(sandbox.current);
  const profiles = simulatorProfiles(sandbox.current);
  env = await environmentWithProfiles(
    { ...profiles, broken: { provider: 'dakota', base_url: sandbox.current.baseUrl('dakota') } },
    { KEYWARDEN_TOKEN: sandbox.current.token, KEYWARDEN_TOKEN_BROKEN: 'not-the-admin-token' },
  );
});

function golden(name: string, actual: string): string {
  const path = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}

const audit = (output: string) => runAudit({ allProfiles: true }, { env, now, globals: { output } });

describe('golden audit of the sandbox scenario, every provider at once', () => {
  test('-o json is exactly the golden document; the failing profile is in errors and the run exits 1', async () => {
    const { code, stdout, stderr } = await audit('json');
    expect(stdout).toBe(golden('audit.json', stdout));
    expect(code).toBe(1);
    expect(stderr).toContain('keywarden: profile broken: dakota: GET /api-keys: 401 Invalid or missing API key\n');
    expect(sandbox.current.unhandled).toEqual([]);
  });

  test('every rule fires on every provider where it can, and only there', async () => {
    const document = JSON.parse((await audit('json')).stdout) as { findings: { provider: string; rule: string }[] };
    const fired = (provider: string): string[] =>
      [...new Set(document.findings.filter((f) => f.provider === provider).map((f) => f.rule))].sort();
    expect(fired('dialnexa')).toEqual(['duplicate-name', 'idle', 'max-age', 'never-used']);
    expect(fired('dakota')).toEqual(['max-age']);
    expect(fired('edgedns')).toEqual(
      [
        'broad-scope',
        'duplicate-name',
        'expired',
        'expiring-soon',
        'idle',
        'max-age',
        'never-used',
        'no-expiry',
        'no-ip-allowlist',
      ].sort(),
    );
    expect(fired('cobo')).toEqual(
      [
        'broad-scope',
        'duplicate-name',
        'expired',
        'expiring-soon',
        'idle',
        'max-age',
        'never-used',
        'no-expiry',
      ].sort(),
    );
  });

  test('-o sarif is exactly the golden log, and valid against the SARIF 2.1.0 schema', async () => {
    const { stdout } = await audit('sarif');
    expect(stdout).toBe(golden('audit.sarif', stdout));
    expect(validateSarif(JSON.parse(stdout))).toEqual([]);
  });
});
