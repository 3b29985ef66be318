import { describe, expect, test } from 'vitest';
import { keyFields } from '../../src/render/keys.js';
import { simulatedProviders } from '../../src/sandbox/server.js';
import { expectations } from '../conformance/expectations.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startTestSandbox, useSandbox } from '../helpers/sandbox.js';

const sandbox = useSandbox({ keys: 240, seed: 'list' });
const env = (extra = {}) => isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token, ...extra });

describe('list', () => {
  test.each(simulatedProviders)(
    '%s: -o json returns every key exactly once, with every field of a key',
    async (provider) => {
      const { code, stdout, stderr } = await runCli(
        [...sandbox.args(provider), 'list', '--status', 'all', '-o', 'json'],
        { env: env() },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const keys = JSON.parse(stdout) as Record<string, unknown>[];
      const listed = sandbox.current.accounts[provider].keys.filter((k) => expectations[provider].listed(k));
      expect(keys.map((k) => k.id).sort()).toEqual(listed.map((k) => k.id).sort());
      for (const key of keys) {
        expect(Object.keys(key)).toEqual([...keyFields]);
        expect(key.provider).toBe(provider);
        expect(key.profile).toBe(provider);
      }
    },
  );

  test('without --status, revoked keys are left out', async () => {
    const { stdout } = await runCli([...sandbox.args('cobo'), 'list', '-o', 'json'], { env: env() });
    const keys = JSON.parse(stdout) as { status: string }[];
    const account = sandbox.current.accounts.cobo.keys;
    expect(keys.length).toBe(account.filter((k) => k.revokedAt === null).length);
    expect(keys.some((k) => k.status === 'revoked')).toBe(false);
    expect(account.some((k) => k.revokedAt !== null)).toBe(true);
  });

  test('--status, --search, --created-after and --sort filter and order', async () => {
    const run = async (...extra: string[]) => {
      const result = await runCli([...sandbox.args('edgedns'), 'list', '-o', 'json', ...extra], { env: env() });
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as {
        name: string;
        status: string;
        created_at: string;
        last_used_at: string | null;
      }[];
    };
    const expired = await run('--status', 'expired');
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.every((k) => k.status === 'expired')).toBe(true);

    const searched = await run('--search', 'billing');
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.every((k) => k.name.toLowerCase().includes('billing'))).toBe(true);

    const cutoff = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const recent = await run('--created-after', cutoff, '--sort', 'created');
    expect(recent.every((k) => k.created_at >= cutoff)).toBe(true);
    expect(recent.map((k) => k.created_at)).toEqual([...recent.map((k) => k.created_at)].sort().reverse());

    const byName = await run('--sort', 'name');
    expect(byName.map((k) => k.name)).toEqual([...byName.map((k) => k.name)].sort((a, b) => a.localeCompare(b)));
  });

  test('-o ndjson is one key a line; -o csv a header then one row a key', async () => {
    const ndjson = await runCli([...sandbox.args('dakota'), 'list', '-o', 'ndjson'], { env: env() });
    const lines = ndjson.stdout.trim().split('\n');
    expect(lines.length).toBe(sandbox.current.accounts.dakota.keys.length);
    expect(lines.every((line) => JSON.parse(line).provider === 'dakota')).toBe(true);

    const csv = await runCli([...sandbox.args('dialnexa'), 'list', '-o', 'csv', '--search', 'Acme'], { env: env() });
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toBe(keyFields.join(','));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.startsWith('dialnexa,dialnexa,key_') && row.includes('Acme CRM Integration'))).toBe(
      true,
    );
  });

  test('a table on a terminal: relative times, colour unless NO_COLOR', async () => {
    const coloured = await runCli([...sandbox.args('cobo'), 'list'], { env: env(), tty: true });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('LAST USED');
    expect(coloured.stdout).toMatch(/\d+ (day|month|year)s? ago/);
    expect(coloured.stdout).toContain('\u001b[');

    const plain = await runCli([...sandbox.args('cobo'), 'list'], { env: env({ NO_COLOR: '1' }), tty: true });
    expect(plain.stdout).toContain('LAST USED');
    expect(plain.stdout).not.toContain('\u001b[');

    const flag = await runCli([...sandbox.args('cobo'), '--no-color', 'list'], { env: env(), tty: true });
    expect(flag.stdout).not.toContain('\u001b[');
  });

  test('in a pipe the default output has no table, header or colour, even with FORCE_COLOR unset', async () => {
    const { stdout } = await runCli([...sandbox.args('edgedns'), 'list'], { env: env() });
    expect(stdout).not.toContain('LAST USED');
    expect(stdout).not.toContain('\u001b[');
    expect(stdout.split('\n')[0]!.split('\t')[0]).toMatch(/^key_/);
  });

  test('a wrong token is exit 4 with one keywarden: line and a hint', async () => {
    const { code, stdout, stderr } = await runCli([...sandbox.args('edgedns'), 'list'], {
      env: env({ KEYWARDEN_TOKEN: 'wrong-token-value' }),
    });
    expect(code).toBe(4);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('keywarden: edgedns: GET /keys: 401 Invalid or missing API key (INVALID_API_KEY)');
    expect(lines[1]).toMatch(/^hint: /);
    expect(lines.length).toBe(2);
  });

  test('no token at all is exit 4 naming the variable to set', async () => {
    const { code, stderr } = await runCli([...sandbox.args('cobo'), 'list'], { env: isolatedEnv() });
    expect(code).toBe(4);
    expect(stderr).toContain("keywarden: no admin token for profile 'cobo'");
    expect(stderr).toContain('KEYWARDEN_TOKEN_COBO');
  });

  test('the no-token hint names a login that works: --provider for a profile this run made, --profile for one in the config', async () => {
    const home = isolatedEnv();
    const adHoc = await runCli([...sandbox.args('cobo'), 'list'], { env: home });
    const hint = /hint: run (keywarden login [^,]+),/.exec(adHoc.stderr)![1]!;
    expect(hint).toBe(`keywarden login --provider cobo --base-url ${sandbox.current.baseUrl('cobo')}`);
    // following it: the token is checked, stored, and the profile made
    const login = await runCli(hint.split(' ').slice(1), { env: home, stdin: `${sandbox.current.token}\n` });
    expect(login.stderr).toContain('added profile cobo');
    expect(login.code).toBe(0);
    await runCli(['logout', '--profile', 'cobo'], { env: home });
    const configured = await runCli(['--profile', 'cobo', 'list'], { env: home });
    expect(configured.stderr).toContain('hint: run keywarden login --profile cobo, or set KEYWARDEN_TOKEN_COBO');
  });

  test('a profile-specific token variable wins over KEYWARDEN_TOKEN', async () => {
    const { code } = await runCli([...sandbox.args('cobo'), 'list'], {
      env: isolatedEnv({ KEYWARDEN_TOKEN: 'wrong', KEYWARDEN_TOKEN_COBO: sandbox.current.token }),
    });
    expect(code).toBe(0);
  });

  test('bad input is exit 2 with one line: unknown flag, bad status, bad date, bad format', async () => {
    for (const argv of [
      ['list', '--bogus'],
      ['list', '--status', 'sleeping'],
      ['list', '--created-after', 'yesterday'],
      ['list', '-o', 'yaml'],
      ['list', '--sort', 'colour'],
    ]) {
      const { code, stderr } = await runCli([...sandbox.args('cobo'), ...argv], { env: env() });
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(/^keywarden: .+\n(hint: .+\n)?$/);
    }
  });

  test('global options work after the command too', async () => {
    const { code, stdout } = await runCli(['list', ...sandbox.args('dakota'), '-o', 'json'], { env: env() });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).length).toBe(sandbox.current.accounts.dakota.keys.length);
  });

  test('--debug traces method, URL, status, time and attempt, and never the token', async () => {
    const { code, stderr } = await runCli([...sandbox.args('dialnexa'), '--debug', 'list', '-o', 'json'], {
      env: env(),
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /debug: GET http:\/\/127\.0\.0\.1:\d+\/dialnexa\/v1\/api-keys\?limit=100&page=1 200 \d+ms attempt 1/,
    );
    expect(stderr.match(/debug: GET/g)!.length).toBe(3);
    expect(stderr).not.toContain(sandbox.current.token);
  });

  test('a non-loopback http:// base URL is refused before any request', async () => {
    const before = sandbox.current.requests.length;
    const { code, stderr } = await runCli(['--provider', 'cobo', '--base-url', 'http://keys.example.com', 'list'], {
      env: env(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('http:// is allowed only for loopback hosts');
    expect(sandbox.current.requests.length).toBe(before);
  });
});

describe('list --all-profiles', () => {
  test('queries every profile at once; a failing profile is reported and the others still print', async () => {
    const base = env({ KEYWARDEN_TOKEN_BROKEN: 'not-the-token' });
    // answers that take a while, so that what goes out at once shows in the order requests arrive
    const slow = await startTestSandbox({ keys: 240, seed: 'list', token: sandbox.current.token, latencyMs: 100 });
    for (const provider of simulatedProviders) {
      const added = await runCli(
        ['profile', 'add', `${provider}-sb`, '--provider', provider, '--base-url', slow.baseUrl(provider)],
        { env: base },
      );
      expect(added.code).toBe(0);
    }
    const good = await runCli(['list', '--all-profiles', '-o', 'json'], { env: base });
    expect(good.code).toBe(0);
    // concurrently: every profile's first request goes out before any profile's second page (beside its first
    // page, Dakota asks for its oldest key, to split the rest of its listing)
    const firstFive = slow.requests.slice(0, 5).map((r) => r.provider);
    expect(new Set(firstFive).size).toBe(4);
    const profiles = new Set((JSON.parse(good.stdout) as { profile: string }[]).map((k) => k.profile));
    expect([...profiles].sort()).toEqual(simulatedProviders.map((p) => `${p}-sb`).sort());

    await runCli(['profile', 'add', 'broken', ...sandbox.args('dakota')], { env: base });
    const partial = await runCli(['list', '--all-profiles', '-o', 'ndjson'], { env: base });
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain('keywarden: profile broken: dakota: GET /api-keys: 401');
    const listed = new Set(
      partial.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).profile),
    );
    expect(listed.size).toBe(4);
    await slow.close();
  });
});
