import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, storedInKeychain } from '../helpers/keychain.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

const sandbox = useSandbox({ keys: 20, seed: 'revoke' });
const home = isolatedEnv();
const env = (extra = {}) => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token, ...extra });
const account = (provider: 'dialnexa' | 'dakota' | 'edgedns' | 'cobo') => sandbox.current.accounts[provider];

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

async function create(
  provider: 'dialnexa' | 'dakota' | 'edgedns' | 'cobo',
  name: string,
  store = 'keychain',
): Promise<string> {
  const { code, stdout } = await runCli([...sandbox.args(provider), 'create', name, '--store', store, '-o', 'json'], {
    env: env({ KEYWARDEN_FILE_PASSPHRASE: 'revoke tests' }),
  });
  expect(code).toBe(0);
  return JSON.parse(stdout).key.id as string;
}

describe.runIf(keychainAvailable())('revoke a key keywarden created', () => {
  test('by id with --yes: revoked at the provider, and its stored secret deleted from the keychain', async () => {
    const id = await create('cobo', 'to revoke');
    expect(storedInKeychain(`cobo/${id}`)).toBeDefined();
    const { code, stdout } = await runCli([...sandbox.args('cobo'), 'revoke', id, '--yes', '-o', 'json'], {
      env: env(),
    });
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.dry_run).toBe(false);
    expect(doc.failed).toEqual([]);
    expect(doc.revoked.map((k: { id: string }) => k.id)).toEqual([id]);
    expect(doc.revoked[0].status).toBe('revoked');
    expect(account('cobo').find(id)!.revokedAt).not.toBeNull();
    expect(storedInKeychain(`cobo/${id}`)).toBeUndefined();
  });

  test('a secret kept in the encrypted file is deleted from the file', async () => {
    const id = await create('edgedns', 'file stored', 'file');
    const { code } = await runCli([...sandbox.args('edgedns'), 'revoke', id, '--yes'], {
      env: env({ KEYWARDEN_FILE_PASSPHRASE: 'revoke tests' }),
    });
    expect(code).toBe(0);
    const { EncryptedFileStore } = await import('../../src/secrets/file.js');
    const store = new EncryptedFileStore({
      path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
      passphrase: () => Promise.resolve('revoke tests'),
    });
    expect(await store.get(`edgedns/${id}`)).toBeUndefined();
  });
});

describe('choosing keys', () => {
  test('by unique id prefix and by exact name', async () => {
    const [a, b] = [account('edgedns').create({ name: 'prefix me' }), account('edgedns').create({ name: 'name me' })];
    const byPrefix = await runCli(
      [...sandbox.args('edgedns'), 'revoke', a.id.slice(0, 10), '--yes', '--dry-run', '-o', 'json'],
      { env: env() },
    );
    expect(JSON.parse(byPrefix.stdout).revoked.map((k: { id: string }) => k.id)).toEqual([a.id]);
    const byName = await runCli([...sandbox.args('edgedns'), 'revoke', 'name me', '--yes', '-o', 'json'], {
      env: env(),
    });
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.stdout).revoked.map((k: { id: string }) => k.id)).toEqual([b.id]);
    expect(b.revokedAt).not.toBeNull();
    expect(a.revokedAt).toBeNull();
  });

  test('an ambiguous or unknown reference is exit 2 naming the candidates, and nothing is revoked', async () => {
    const twins = [account('cobo').create({ name: 'twin' }), account('cobo').create({ name: 'twin' })];
    const ambiguous = await runCli([...sandbox.args('cobo'), 'revoke', 'twin', '--yes'], { env: env() });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("'twin' is ambiguous");
    for (const twin of twins) expect(ambiguous.stderr).toContain(twin.id);
    expect(twins.every((t) => t.revokedAt === null)).toBe(true);

    const unknown = await runCli([...sandbox.args('cobo'), 'revoke', 'no-such-key', '--yes'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no key matches 'no-such-key'");

    const short = await runCli([...sandbox.args('cobo'), 'revoke', twins[0]!.id.slice(0, 3), '--yes'], { env: env() });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 4 characters');
  });

  test('--unused-for picks keys idle that long; refused where the provider has no usage data', async () => {
    const { stdout, code } = await runCli(
      [...sandbox.args('cobo'), 'revoke', '--unused-for', '90d', '--dry-run', '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(0);
    const cutoff = Date.now() - 90 * 86_400_000;
    const expected = account('cobo')
      .keys.filter((k) => k.revokedAt === null && (k.lastUsedAt ?? k.createdAt) <= cutoff)
      .map((k) => k.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(
      JSON.parse(stdout)
        .revoked.map((k: { id: string }) => k.id)
        .sort(),
    ).toEqual(expected);

    const dakota = await runCli([...sandbox.args('dakota'), 'revoke', '--unused-for', '90d', '--yes'], { env: env() });
    expect(dakota.code).toBe(2);
    expect(dakota.stderr).toContain('dakota does not report when a key was last used');
  });

  test('--dry-run changes nothing', async () => {
    const before = account('edgedns').keys.filter((k) => k.revokedAt !== null).length;
    const { code, stdout } = await runCli(
      [...sandbox.args('edgedns'), 'revoke', '--expired', '--dry-run', '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.dry_run).toBe(true);
    expect(doc.revoked.length).toBeGreaterThan(0);
    expect(doc.revoked.every((k: { status: string }) => k.status === 'expired')).toBe(true);
    expect(account('edgedns').keys.filter((k) => k.revokedAt !== null).length).toBe(before);
  });

  test('nothing chosen is a usage error; nothing matched is success', async () => {
    expect((await runCli([...sandbox.args('cobo'), 'revoke', '--yes'], { env: env() })).code).toBe(2);
    const none = await runCli([...sandbox.args('cobo'), 'revoke', '--unused-for', '36500d', '--yes', '-o', 'json'], {
      env: env(),
    });
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ dry_run: false, revoked: [], failed: [] });
  });
});

describe('confirmation', () => {
  test('without a terminal and without --yes: exit 2, nothing revoked', async () => {
    const key = account('dialnexa').create({ name: 'needs yes' });
    const { code, stderr } = await runCli([...sandbox.args('dialnexa'), 'revoke', key.id], { env: env() });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'keywarden: confirmation needed, and there is no terminal to ask on\nhint: pass --yes to confirm\n',
    );
    expect(key.revokedAt).toBeNull();
  });

  test('on a terminal with --no-input: exit 2, and the message says --no-input, not that there is no terminal', async () => {
    const key = account('dialnexa').create({ name: 'needs yes too' });
    const { code, stderr } = await runCli([...sandbox.args('dialnexa'), 'revoke', key.id, '--no-input'], {
      env: env(),
      tty: true,
    });
    expect(code).toBe(2);
    expect(stderr).toBe('keywarden: confirmation needed, and --no-input forbids asking\nhint: pass --yes to confirm\n');
    expect(key.revokedAt).toBeNull();
  });
});

describe('an id that begins with a dash', () => {
  test('is taken for a flag, with a hint to put it after --, where it is revoked', async () => {
    const key = account('cobo').create({ name: 'dashed' });
    key.id = `-${key.id}`;
    const asFlag = await runCli([...sandbox.args('cobo'), 'revoke', key.id, '--yes'], { env: env() });
    expect(asFlag).toMatchObject({ code: 2, stdout: '' });
    expect(asFlag.stderr).toBe(
      `keywarden: unknown option '${key.id}'\nhint: a name or id that begins with '-' goes after --, as in: -- ${key.id}\n`,
    );
    expect(key.revokedAt).toBeNull();

    const { code } = await runCli([...sandbox.args('cobo'), 'revoke', '--yes', '--', key.id], { env: env() });
    expect(code).toBe(0);
    expect(key.revokedAt).not.toBeNull();
  });
});

describe('bulk revoke', () => {
  test('a key the provider already reports as revoked is reported as revoked, not failed, on every run', async () => {
    // DialNexa lists a revoked key as expired, and answers 404 to revoking it again
    const expired = account('dialnexa').keys.filter(
      (k) => k.expiresAt !== null && k.expiresAt <= Date.now() && k.revokedAt === null,
    );
    const alreadyRevoked = account('dialnexa').keys.filter((k) => k.revokedAt !== null);
    expect(expired.length).toBeGreaterThan(0);
    expect(alreadyRevoked.length).toBeGreaterThan(0);
    const all = [...expired, ...alreadyRevoked].map((k) => k.id).sort();

    for (const run of ['first', 'second']) {
      const { code, stdout, stderr } = await runCli(
        [...sandbox.args('dialnexa'), 'revoke', '--expired', '--yes', '-o', 'json'],
        { env: env() },
      );
      expect(code, run).toBe(0);
      const doc = JSON.parse(stdout);
      expect(doc.failed, run).toEqual([]);
      expect(doc.revoked.map((k: { id: string }) => k.id).sort(), run).toEqual(all);
      expect(stderr.match(/was revoked already/g)?.length, run).toBe(
        run === 'first' ? alreadyRevoked.length : all.length,
      );
    }
    for (const key of expired) expect(key.revokedAt).not.toBeNull();
  });

  test('reports every outcome and exits 1 when some fail', async () => {
    const keys = ['fails a', 'fails b', 'fails c', 'fails d'].map((name) => account('cobo').create({ name }));
    sandbox.current.setFaults({ failEvery: 2, failStatus: 500, methods: ['DELETE'] });
    const { code, stdout, stderr } = await runCli(
      [...sandbox.args('cobo'), 'revoke', ...keys.map((k) => k.id), '--yes', '-o', 'json'],
      { env: env() },
    );
    sandbox.current.setFaults({});
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.revoked).toHaveLength(2);
    expect(doc.failed).toHaveLength(2);
    expect(doc.failed[0].error).toMatch(/^cobo: DELETE \/api\/v1\/api-keys\/\{id\}: 500 /);
    expect(
      [...doc.revoked.map((k: { id: string }) => k.id), ...doc.failed.map((f: { id: string }) => f.id)].sort(),
    ).toEqual(keys.map((k) => k.id).sort());
    expect(stderr).toContain('2 of 4 revocations failed');
  });

  test('in a pipe the table output is one outcome a line', async () => {
    const keys = [account('edgedns').create({ name: 'bulk a' }), account('edgedns').create({ name: 'bulk b' })];
    const { code, stdout } = await runCli([...sandbox.args('edgedns'), 'revoke', ...keys.map((k) => k.id), '--yes'], {
      env: env(),
    });
    expect(code).toBe(0);
    expect(stdout).toBe(keys.map((k) => `revoked\t${k.id}\n`).join(''));
  });
});
