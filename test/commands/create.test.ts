import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, storedInKeychain } from '../helpers/keychain.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';
import { storeFailingAfterCheck } from '../helpers/stores.js';

const sandbox = useSandbox({ keys: 5 });
const home = isolatedEnv();
const env = (extra = {}) => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token, ...extra });
const secretOf = (provider: 'dialnexa' | 'dakota' | 'edgedns' | 'cobo', id: string) =>
  sandbox.current.accounts[provider].find(id)!.secret;
const keyCount = () => Object.values(sandbox.current.accounts).reduce((n, a) => n + a.keys.length, 0);

const brokenAfterCheck = storeFailingAfterCheck('the keychain went away');

/** A create that must be refused (exit 2) before any key exists; its stderr, for the message. */
async function refusedWithoutKey(argv: string[], extraEnv = {}, realKeychain = false): Promise<string> {
  const before = keyCount();
  const { code, stderr } = await runCli(argv, { env: env(extraEnv), realKeychain });
  expect(code).toBe(2);
  expect(keyCount()).toBe(before);
  return stderr;
}

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

describe.runIf(keychainAvailable())('create with the OS keychain', () => {
  test('stores the secret in the Secret Service, where secret-tool reads it; json has no secret', async () => {
    const { code, stdout, stderr } = await runCli([...sandbox.args('edgedns'), 'create', 'ci deploy', '-o', 'json'], {
      env: env(),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(['key', 'stored', 'delivered']);
    expect(doc.stored).toBe(`keychain:keywarden/edgedns/${doc.key.id}`);
    expect(doc.delivered).toBe(false);
    expect(doc.key.name).toBe('ci deploy');
    expect(storedInKeychain(`edgedns/${doc.key.id}`)).toBe(secretOf('edgedns', doc.key.id));
    const index = JSON.parse(readFileSync(join(home.XDG_STATE_HOME!, 'keywarden', 'stored-secrets.json'), 'utf8'));
    expect(JSON.stringify(index)).toContain(`edgedns/${doc.key.id}`);
  });

  test('in a pipe the secret is not printed; stdout is the key id', async () => {
    const { code, stdout, stderr } = await runCli([...sandbox.args('cobo'), 'create', 'pipe key'], { env: env() });
    expect(code).toBe(0);
    const id = stdout.trim();
    expect(sandbox.current.accounts.cobo.find(id)).toBeDefined();
    expect(stderr).toContain(`stored in keychain:keywarden/cobo/${id}`);
  });

  test('on a terminal the secret is shown once, in a box that says so and where it went', async () => {
    const { code, stdout } = await runCli([...sandbox.args('dialnexa'), 'create', 'terminal key'], {
      env: env({ NO_COLOR: '1' }),
      tty: true,
      revealsSecret: true,
    });
    expect(code).toBe(0);
    const id = /key (key_\w+)/.exec(stdout)![1]!;
    expect(stdout).toContain(secretOf('dialnexa', id));
    expect(stdout).toContain('it will not be shown again');
    expect(stdout).toContain(`Stored in keychain:keywarden/dialnexa/${id}`);
    expect(stdout.split(secretOf('dialnexa', id)).length).toBe(2);
  });

  test('--reveal in a pipe prints the secret alone on stdout; under GitHub Actions it is masked first', async () => {
    const { code, stdout, stderr } = await runCli([...sandbox.args('dakota'), 'create', 'revealed', '--reveal'], {
      env: env({ GITHUB_ACTIONS: 'true' }),
      revealsSecret: true,
    });
    expect(code).toBe(0);
    const secret = stdout.trim();
    expect(secret).toMatch(/^dk_live_/);
    expect(stderr.split('\n')[1]).toBe(`::add-mask::${secret}`);
    expect(stderr).toContain('Dakota keys have no names');
  });

  test.each([
    [
      'edgedns',
      [
        '--environment',
        'test',
        '--scopes',
        'dns:read,dns:write',
        '--expires-in',
        '30d',
        '--ip-allowlist',
        '198.51.100.7/32',
      ],
    ],
    ['cobo', ['--scopes', 'wallet:read', '--principal', 'svc-billing', '--expires-at', '2099-01-01']],
    ['dialnexa', ['--expire-now']],
  ] as const)('%s: the provider options reach the provider', async (provider, flags) => {
    const { code, stdout } = await runCli(
      [...sandbox.args(provider), 'create', 'with options', ...flags, '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(0);
    const { key } = JSON.parse(stdout);
    const held = sandbox.current.accounts[provider].find(key.id)!;
    if (provider === 'edgedns') {
      expect([held.environment, held.scopes, held.ipAllowlist]).toEqual([
        'test',
        ['dns:read', 'dns:write'],
        ['198.51.100.7/32'],
      ]);
      expect(held.expiresAt! - Date.now()).toBeGreaterThan(29 * 86_400_000);
    }
    if (provider === 'cobo')
      expect([held.scopes, held.owner, held.expiresAt]).toEqual([
        ['wallet:read'],
        'svc-billing',
        Date.parse('2099-01-01T00:00:00Z'),
      ]);
    if (provider === 'dialnexa') expect(key.status).toBe('expired');
  });

  test('--deliver gets the secret on stdin and the key in its environment; never in argv', async () => {
    const out = join(home.HOME!, 'delivered.txt');
    const command = `cat > '${out}'; echo "$KEYWARDEN_KEY_ID|$KEYWARDEN_KEY_NAME|$KEYWARDEN_PROFILE" >> '${out}'`;
    const { code, stdout } = await runCli(
      [...sandbox.args('cobo'), 'create', 'delivered', '--deliver', command, '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.delivered).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(`${secretOf('cobo', doc.key.id)}\n${doc.key.id}|delivered|cobo\n`);
    writeFileSync(out, '');
  });

  test('a failing --deliver is exit 1, and the secret is still safe in the keychain', async () => {
    const { code, stdout, stderr } = await runCli(
      [...sandbox.args('edgedns'), 'create', 'undeliverable', '--deliver', 'exit 3', '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.delivered).toBe(false);
    expect(doc.secret).toBeUndefined();
    expect(stderr).toContain('was not delivered: --deliver command failed (exit 3)');
    expect(storedInKeychain(`edgedns/${doc.key.id}`)).toBe(secretOf('edgedns', doc.key.id));
  });
});

describe('create without a usable destination creates nothing', () => {
  test('no Secret Service: exit 2, no key, and the message names the alternatives', async () => {
    const stderr = await refusedWithoutKey(
      [...sandbox.args('cobo'), 'create', 'nowhere'],
      { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      true,
    );
    expect(stderr).toMatch(/^keywarden: cannot store the new key's secret: .+; no key was created\n/);
    expect(stderr).toContain('--store file');
    expect(stderr).toContain('--deliver');
    expect(stderr).toContain('--reveal');
  });

  test('--store none without --deliver or --reveal: exit 2, no key', async () => {
    const stderr = await refusedWithoutKey([...sandbox.args('cobo'), 'create', 'nowhere', '--store', 'none']);
    expect(stderr).toContain('no key was created');
  });

  test.each([
    ['dakota', ['--scopes', 'a'], 'dakota does not support --scopes'],
    ['dialnexa', ['--environment', 'live'], 'dialnexa does not support --environment'],
    ['cobo', ['--ip-allowlist', '10.0.0.1'], 'cobo does not support --ip-allowlist'],
    ['edgedns', ['--expire-now'], 'edgedns does not support --expire-now'],
    ['dakota', ['--expires-in', '30d'], 'dakota does not support --expires-in'],
    [
      'cobo',
      ['--expires-in', '30d', '--expires-at', '2099-01-01'],
      '--expires-in and --expires-at cannot be used together',
    ],
    ['cobo', ['--expires-at', '2001-01-01'], 'is not in the future'],
    ['edgedns', ['--environment', 'prod'], "--environment: 'prod' is not one of live, test"],
    ['cobo', ['--store', 'plaintext'], "--store: 'plaintext' is not one of keychain, file, none"],
  ] as const)('%s %s: exit 2 before any request', async (provider, flags, message) => {
    const before = sandbox.current.requests.length;
    const { code, stderr } = await runCli([...sandbox.args(provider), 'create', 'flagged', ...flags], { env: env() });
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(sandbox.current.requests.length).toBe(before);
  });
});

describe('a created secret is never dropped', () => {
  test('storing fails after the key was created: exit 1, and in a pipe the secret is printed once', async () => {
    const { code, stdout, stderr } = await runCli([...sandbox.args('cobo'), 'create', 'store fails'], {
      env: env(),
      secretStores: { keychain: brokenAfterCheck },
      revealsSecret: true,
    });
    expect(code).toBe(1);
    const secret = stdout.trim();
    expect(sandbox.current.accounts.cobo.keys.some((k) => k.secret === secret)).toBe(true);
    expect(stderr).toContain('could not be stored: the keychain went away');
    expect(stderr).toContain('it will not be shown again');
  });

  test('storing fails on a terminal: the box says it is stored nowhere', async () => {
    const { code, stdout } = await runCli([...sandbox.args('edgedns'), 'create', 'store fails tty'], {
      env: env({ NO_COLOR: '1' }),
      tty: true,
      secretStores: { keychain: brokenAfterCheck },
      revealsSecret: true,
    });
    expect(code).toBe(1);
    expect(stdout).toContain('NOT STORED ANYWHERE');
    expect(stdout).toMatch(/edns_live_\w{32}/);
  });

  test('storing fails with -o json: the secret is in the document', async () => {
    const { code, stdout } = await runCli([...sandbox.args('dialnexa'), 'create', 'store fails json', '-o', 'json'], {
      env: env(),
      secretStores: { keychain: brokenAfterCheck },
      revealsSecret: true,
    });
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.stored).toBeNull();
    expect(doc.secret).toBe(secretOf('dialnexa', doc.key.id));
  });

  test('--store none and a failing --deliver: exit 1 and the secret is printed', async () => {
    const { code, stdout } = await runCli(
      [...sandbox.args('cobo'), 'create', 'deliver fails', '--store', 'none', '--deliver', 'exit 1'],
      {
        env: env(),
        revealsSecret: true,
      },
    );
    expect(code).toBe(1);
    expect(stdout.trim()).toMatch(/^cak_/);
  });
});

describe('create with the encrypted file store', () => {
  test('stores in the file with the passphrase from the environment; a wrong passphrase creates nothing', async () => {
    const fileEnv = env({ KEYWARDEN_FILE_PASSPHRASE: 'correct horse battery staple' });
    const { code, stdout } = await runCli(
      [...sandbox.args('cobo'), 'create', 'in a file', '--store', 'file', '-o', 'json'],
      { env: fileEnv },
    );
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.stored).toMatch(new RegExp(`^file:.+secrets\\.enc#cobo/${doc.key.id}$`));

    const before = keyCount();
    const wrong = await runCli([...sandbox.args('cobo'), 'create', 'wrong passphrase', '--store', 'file'], {
      env: { ...fileEnv, KEYWARDEN_FILE_PASSPHRASE: 'wrong' },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^keywarden: cannot store the new key's secret: .*passphrase/);
    expect(keyCount()).toBe(before);
  });

  test('without a passphrase and without a terminal: exit 2, no key', async () => {
    const stderr = await refusedWithoutKey([...sandbox.args('cobo'), 'create', 'no passphrase', '--store', 'file']);
    expect(stderr).toContain('KEYWARDEN_FILE_PASSPHRASE');
  });
});
