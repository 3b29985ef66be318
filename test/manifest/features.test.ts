import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deliverAllowanceMs } from '../../src/rotation/runner.js';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startTally, type TallyServer } from './tally-server.js';

/**
 * Each feature of the manifest format, against a local server that needs it ("Tally", test/manifest/tally-server.ts):
 * what keywarden sends is checked request by request, and what it reads key by key.
 */

const fixture = fileURLToPath(new URL('./fixtures/tally.json', import.meta.url));
const token = `tally-admin-${process.pid}`;
const account = 'acct_feature1';
const dir = mkdtempSync(join(tmpdir(), 'kw-tally-'));
let tally: TallyServer;
const home = isolatedEnv({ KEYWARDEN_TOKEN: token, KEYWARDEN_FILE_PASSPHRASE: 'tally tests' });

/** The fixture with a change, as a manifest file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reaches into the manifest where it likes
function manifest(change: (m: Record<string, any>) => void = () => undefined): string {
  const m = JSON.parse(readFileSync(fixture, 'utf8'));
  change(m);
  const path = join(dir, `tally-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(m));
  return path;
}

/** A profile named after the manifest file, with the account setting and the server's base URL. */
async function profileFor(path: string, name = `p${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const added = await runCli(
    ['--provider', path, '--base-url', `${tally.url}/v1`, 'profile', 'add', name, '--set', `account=${account}`],
    { env: home },
  );
  expect(added.stderr).not.toContain('keywarden:');
  expect(added.code).toBe(0);
  return name;
}

const run = (profile: string, argv: string[], extra = {}, options = {}) =>
  runCli(['-p', profile, ...argv], { env: { ...home, ...extra }, ...options });
const since = () => tally.requests.length;

beforeAll(async () => {
  tally = await startTally({ account, token, keys: 7, pageSize: 3 });
});
afterAll(() => tally.close());

describe('auth, settings and pagination', () => {
  test('HTTP Basic with the user from a profile setting, the setting in the path; offset pagination to the total', async () => {
    const profile = await profileFor(manifest());
    const from = since();
    const { code, stdout } = await run(profile, ['list', '-o', 'json']);
    expect(code).toBe(0);
    const keys = JSON.parse(stdout) as {
      id: string;
      name: string;
      created_at: string;
      last_used_at: string | null;
      scopes: string[];
      hint: string;
    }[];
    expect(keys.map((k) => k.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const requests = tally.requests.slice(from);
    expect(requests.map((r) => `${r.path}?${new URLSearchParams(r.query)}`)).toEqual([
      `/v1/accounts/${account}/offset/keys?limit=50&offset=0`,
      `/v1/accounts/${account}/offset/keys?limit=50&offset=3`,
      `/v1/accounts/${account}/offset/keys?limit=50&offset=6`,
    ]);
    expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`);
    // an RFC 2822 time, and an ISO time without a zone, which is UTC
    expect(keys[0]).toMatchObject({
      created_at: '2025-01-01T00:00:00.000Z',
      last_used_at: '2025-06-01T12:00:00.000Z',
      scopes: ['read', 'write'],
      hint: tally.keys[0]!.token.slice(-4),
    });
  });

  test('a next URL in the answer, followed on the base URL only', async () => {
    const profile = await profileFor(
      manifest(
        (m) =>
          (m.list = {
            path: '/accounts/{account}/next/keys',
            items: 'keys',
            pagination: { style: 'next_url', next: 'meta.next_page_uri' },
          }),
      ),
    );
    const from = since();
    const { code, stdout } = await run(profile, ['list', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(7);
    expect(tally.requests.slice(from).map((r) => r.query.after ?? '-')).toEqual(['-', '3', '6']);
  });

  test('page numbers counted from the page size the answer states, not the size asked for', async () => {
    const profile = await profileFor(
      manifest(
        (m) =>
          (m.list = {
            path: '/accounts/{account}/page/keys',
            items: 'keys',
            pagination: {
              style: 'page',
              page_param: 'page',
              page_size: { param: 'per_page', max: 50 },
              total_items: 'meta.total',
              page_size_field: 'meta.limit',
            },
          }),
      ),
    );
    const from = since();
    const { code, stdout } = await run(profile, ['list', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(7);
    expect(
      tally.requests
        .slice(from)
        .map((r) => r.query.page)
        .sort(),
    ).toEqual(['1', '2', '3']);
  });

  test('a setting the provider needs and the profile lacks: exit 2 before any request, naming it and the fix', async () => {
    const path = manifest();
    const from = since();
    const { code, stderr } = await runCli(['--provider', path, '--base-url', `${tally.url}/v1`, 'list'], { env: home });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `keywarden: tally needs the profile setting account (the account id)\nhint: keywarden profile add tally --provider ${path} --set account=acct_123\n`,
    );
    expect(since()).toBe(from);
    const bad = await runCli(['--provider', path, 'profile', 'add', 'badacct', '--set', 'account=ACCT 1'], {
      env: home,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe("keywarden: --set: account 'ACCT 1' is not like acct_123");
  });
});

describe('create, revoke and rotate', () => {
  let profile: string;
  beforeAll(async () => {
    profile = await profileFor(manifest());
  });
  const secretOf = (id: string) =>
    new EncryptedFileStore({
      path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
      passphrase: async () => 'tally tests',
    }).get(`${profile}/${id}`);

  test('a form-encoded body, scopes joined by a space, the password and the one-time password from the environment', async () => {
    const from = since();
    const { code, stdout, stderr } = await run(
      profile,
      ['create', 'formed', '--scopes', 'read,admin', '--store', 'file', '-o', 'json'],
      {
        KEYWARDEN_MANIFEST_TALLY_PASSWORD: tally.password,
        KEYWARDEN_MANIFEST_TALLY_OTP: tally.otp,
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [post] = tally.requests.slice(from);
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(post!.body))).toEqual({
      Label: 'formed',
      Scope: 'read admin',
      password: tally.password,
    });
    expect(post!.headers['x-otp']).toBe(tally.otp);
    const doc = JSON.parse(stdout);
    const held = tally.keys.find((k) => String(k.id) === doc.key.id)!;
    // the secret from the second of the paths given, its last four as the hint, and the password nowhere
    expect(await secretOf(doc.key.id)).toBe(held.token);
    expect(doc.key.hint).toBe(held.token.slice(-4));
    expect(`${stdout}${stderr}`).not.toContain(tally.password);
  });

  test('the password missing, with no terminal to ask on: exit 2, nothing sent', async () => {
    const from = since();
    const { code, stderr } = await run(profile, ['create', 'no password', '--store', 'file']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "keywarden: tally needs the account's password to create a key\nhint: set KEYWARDEN_MANIFEST_TALLY_PASSWORD (it is asked for hidden on a terminal, but there is no terminal to ask on)\n",
    );
    expect(since()).toBe(from);
  });

  test('revoke by POST with the id in a list of numbers', async () => {
    const target = tally.keys.find((k) => !k.revoked && k.id === 2)!;
    const from = since();
    const { code } = await run(profile, ['revoke', '2', '--yes']);
    expect(code).toBe(0);
    const post = tally.requests.slice(from).find((r) => r.method === 'POST')!;
    expect([post.path, JSON.parse(post.body)]).toEqual([`/v1/accounts/${account}/keys/revoke`, { ids: [2] }]);
    expect(target.revoked).toBe(true);
  });

  test('rotate uses the native reset: the same key, a new secret stored, the old one ending at the grace deadline', async () => {
    let clock = Date.now();
    const now = () => new Date(clock);
    const sleep = async (ms: number) => void (clock += ms);
    const key = tally.keys.find((k) => k.id === 5)!;
    const old = key.token;
    const started = clock;
    const from = since();
    const { code, stdout, stderr } = await run(
      profile,
      ['rotate', '5', '--grace', '1h', '--deliver', 'cat > /dev/null', '--store', 'file', '--yes', '-o', 'json'],
      {},
      { now, sleep },
    );
    expect(stderr).not.toContain('keywarden:');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect([doc.old.id, doc.new.id]).toEqual(['5', '5']);
    // keywarden does not wait for the deadline: the provider ends the old secret then
    expect(doc.old_revoked).toBe(false);
    expect(clock - started).toBeLessThan(deliverAllowanceMs);
    const reset = tally.requests.slice(from).find((r) => r.path.endsWith('/reset'))!;
    expect(Number(reset.query.expiry)).toBe(started + 3_600_000 + deliverAllowanceMs);
    expect(key.previous!.token).toBe(old);
    expect(await secretOf('5')).toBe(key.token);
    expect(key.token).not.toBe(old);
    // no key was created and none revoked: the provider ends the old secret itself
    expect(tally.requests.slice(from).filter((r) => r.path.endsWith('/keys') && r.method === 'POST')).toEqual([]);
  });

  test('a provider with no create: create and rotate are exit 2 naming what it cannot do', async () => {
    const noCreate = await profileFor(
      manifest((m) => {
        delete m.create;
        delete m.rotate;
        m.capabilities = { names: true, usage_tracking: true };
      }),
    );
    for (const argv of [
      ['create', 'x', '--store', 'file'],
      ['rotate', '1', '--yes'],
    ]) {
      const { code, stderr } = await run(noCreate, argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toContain('Tally (tally) cannot create keys through its API');
    }
  });
});

describe('providers validate shows the request plan of every feature', () => {
  test('settings, Basic auth, offset pagination, a form body with credentials, revoke by POST, a native rotate', async () => {
    const { code, stdout } = await runCli(['providers', 'validate', fixture], { env: home });
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('settings  account: the account id, e.g. acct_123');
    expect(lines).toContain('auth      authorization: Basic base64(acct_123:<admin token>)');
    expect(lines).toContain(
      'list      GET https://api.tally.example/v1/accounts/acct_123/offset/keys?limit=50&offset=0',
    );
    expect(lines).toContain('          pagination offset: offset=0, then the number of keys read so far; until total');
    expect(lines).toContain('create    POST https://api.tally.example/v1/accounts/acct_123/keys');
    expect(lines).toContain('          body Label=demo&Scope=a b&password=<$KEYWARDEN_MANIFEST_TALLY_PASSWORD>');
    expect(lines).toContain('          x-otp: <$KEYWARDEN_MANIFEST_TALLY_OTP>');
    expect(lines).toContain(
      "          password: the account's password, from KEYWARDEN_MANIFEST_TALLY_PASSWORD or asked hidden on a terminal",
    );
    expect(lines).toContain('          otp: a one-time password, from KEYWARDEN_MANIFEST_TALLY_OTP (when set)');
    expect(lines).toContain('revoke    POST https://api.tally.example/v1/accounts/acct_123/keys/revoke');
    expect(lines).toContain('          body {"ids":[42]}');
    expect(lines).toContain(
      `rotate    POST https://api.tally.example/v1/accounts/acct_123/keys/42/reset?expiry=${Date.UTC(2030, 0, 1)}`,
    );
  });
});
