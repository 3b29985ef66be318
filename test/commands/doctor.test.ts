import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, useRealKeychain } from '../helpers/keychain.js';
import { useSandbox } from '../helpers/sandbox.js';

// doctor's first check is the OS keychain itself
useRealKeychain();

interface Check {
  check: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

const sandbox = useSandbox({ keys: 3, seed: 'doctor' });

/** A person's setup: one profile on the sandbox, its token in the environment. */
async function setUp(extra: Record<string, string> = {}) {
  const home = isolatedEnv();
  const env = { ...home, KEYWARDEN_TOKEN_PROD: sandbox.current.token, ...extra };
  expect(
    (
      await runCli(
        ['profile', 'add', 'prod', '--provider', 'edgedns', '--base-url', sandbox.current.baseUrl('edgedns')],
        { env },
      )
    ).code,
  ).toBe(0);
  const doctor = async () => {
    const { code, stdout, stderr } = await runCli(['doctor', '-o', 'json'], { env });
    return { code, stderr, checks: JSON.parse(stdout) as Check[] };
  };
  return { home, env, doctor };
}

const find = (checks: Check[], name: string): Check => checks.find((c) => c.check === name)!;

describe.runIf(keychainAvailable())('doctor', () => {
  test('a healthy setup: every check passes, exit 0, one line a check in a pipe', async () => {
    const { env, doctor } = await setUp();
    const { code, checks } = await doctor();
    expect(code).toBe(0);
    expect(checks.map((c) => c.check)).toEqual([
      'node',
      'keychain',
      'config folder',
      'state folder',
      'data folder',
      'profile prod: token',
      'profile prod: list',
      'profile prod: clock',
    ]);
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(find(checks, 'keychain').detail).toContain('the Secret Service');
    expect(find(checks, 'profile prod: token').detail).toBe('from KEYWARDEN_TOKEN_PROD');
    expect(find(checks, 'profile prod: list').detail).toMatch(
      /^EdgeDNS at http:\/\/127\.0\.0\.1:\d+\/edgedns\/v1 answered: \d+ keys? on the first page$/,
    );
    const piped = await runCli(['doctor'], { env });
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(Array(8).fill('ok'));
  });

  test('no keychain: that check fails and says what to do instead, the others still run, exit 1', async () => {
    const { doctor } = await setUp({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keywarden-doctor-bus' });
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    const keychain = find(checks, 'keychain');
    expect(keychain.ok).toBe(false);
    expect(keychain.fix).toBe('keep secrets in the encrypted file instead: keywarden profile set <name> --store file');
    expect(find(checks, 'profile prod: list').ok).toBe(true);
  });

  test('no keychain, where every profile keeps its secrets in the encrypted file: noted, not a failure', async () => {
    const { env, doctor } = await setUp({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keywarden-doctor-bus' });
    expect((await runCli(['profile', 'set', 'prod', '--store', 'file'], { env })).code).toBe(0);
    const { code, checks } = await doctor();
    expect(code).toBe(0);
    expect(find(checks, 'keychain')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/; no profile keeps its secrets there$/),
    });
  });

  test("a wrong token: the list check fails with the provider's answer and how to log in again", async () => {
    const { doctor } = await setUp({ KEYWARDEN_TOKEN_PROD: 'not-the-token' });
    const { code, checks, stderr } = await doctor();
    expect(code).toBe(1);
    const list = find(checks, 'profile prod: list');
    expect(list.ok).toBe(false);
    expect(list.detail).toMatch(/^edgedns: GET \/keys: 401/);
    expect(list.fix).toBe('the token from KEYWARDEN_TOKEN_PROD was refused: keywarden login --profile prod');
    expect(JSON.stringify(checks) + stderr).not.toContain('not-the-token');
  });

  test('a config file others may read, and a state folder others may change: each named with its chmod', async () => {
    const { home, doctor } = await setUp();
    const configFile = join(home.XDG_CONFIG_HOME!, 'keywarden', 'config.json');
    chmodSync(configFile, 0o644);
    const state = join(home.XDG_STATE_HOME!, 'keywarden');
    mkdirSync(state, { recursive: true, mode: 0o700 });
    chmodSync(state, 0o777);
    try {
      const { code, checks } = await doctor();
      expect(code).toBe(1);
      expect(find(checks, 'config folder')).toMatchObject({
        ok: false,
        detail: `${configFile} is 0644`,
        fix: `chmod 600 '${configFile}'`,
      });
      expect(find(checks, 'state folder')).toMatchObject({ ok: false, fix: `chmod 700 '${state}'` });
    } finally {
      chmodSync(state, 0o700);
    }
  });
});
