import { useRealKeychain } from '../helpers/keychain.js';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

// the keychain helper process and what it inherits are under test
useRealKeychain();

/** Child processes get only what they need: no admin token, no passphrase, no value keywarden holds secret. */

const sandbox = useSandbox({ keys: 2, seed: 'children' });
const home = isolatedEnv();
const passphrase = 'children-passphrase-123';
const credentials = () => ({
  KEYWARDEN_TOKEN: sandbox.current.token,
  KEYWARDEN_TOKEN_EDGEDNS: sandbox.current.token,
  KEYWARDEN_TOKEN_OTHER_PROFILE: 'other-profile-token-456',
  KEYWARDEN_FILE_PASSPHRASE: passphrase,
  KEYWARDEN_MANIFEST_ACME_ORG: 'org-read-by-a-manifest',
  // the same token under a name keywarden does not know: dropped for its value
  DEPLOY_COPY_OF_TOKEN: sandbox.current.token,
});
const env = (extra = {}) => ({ ...home, ...credentials(), ...extra });

afterAll(() =>
  expectNoLeaks(
    sandbox.current,
    [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!],
    ['other-profile-token-456', passphrase],
  ),
);

/** Every variable name and value that a child must never see. */
function expectNoCredentials(environment: string): void {
  for (const [name, value] of Object.entries(credentials())) {
    expect(environment, name).not.toContain(`${name}=`);
    expect(environment, name).not.toContain(value);
  }
}

describe('the environment of a child process', () => {
  test('`env` run as the --deliver command shows no token and no passphrase, and does show the key it got', async () => {
    const out = join(home.HOME!, 'deliver-env.txt');
    const { code, stdout } = await runCli(
      [
        ...sandbox.args('edgedns'),
        'create',
        'env check',
        '--store',
        'none',
        '--deliver',
        `env > '${out}'; cat > /dev/null`,
        '-o',
        'json',
      ],
      { env: env() },
    );
    expect(code).toBe(0);
    const { key } = JSON.parse(stdout);
    const environment = readFileSync(out, 'utf8');
    expectNoCredentials(environment);
    expect(environment).toContain(`KEYWARDEN_KEY_ID=${key.id}`);
    expect(environment).toContain('KEYWARDEN_KEY_NAME=env check');
    expect(environment).toContain('KEYWARDEN_PROFILE=edgedns');
    expect(environment).toContain(`HOME=${home.HOME}`);
  });

  test('the keychain helper process starts with none of them either', async () => {
    const dumps = mkdtempSync(join(tmpdir(), 'kw-child-env-'));
    const preload = join(dumps, 'dump-env.cjs');
    // loaded into every node process started with this NODE_OPTIONS: the keychain helper is one started with `-e`
    writeFileSync(
      preload,
      `if (process.argv.length > 1 && process.execArgv.includes('-e')) require('node:fs').writeFileSync(${JSON.stringify(dumps)} + '/env-' + process.pid, JSON.stringify(process.env));\n`,
    );
    await runCli([...sandbox.args('edgedns'), 'create', 'keychain env check', '--store', 'keychain', '-o', 'json'], {
      env: env({ NODE_OPTIONS: `--require ${preload}` }),
    });
    const seen = readdirSync(dumps).filter((f) => f.startsWith('env-'));
    expect(seen.length).toBeGreaterThan(0);
    for (const file of seen) {
      const environment = Object.entries(JSON.parse(readFileSync(join(dumps, file), 'utf8')) as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      expectNoCredentials(environment);
      expect(environment).toContain('DBUS_SESSION_BUS_ADDRESS=');
    }
  });
});

describe('what a --deliver command prints', () => {
  test('is masked even when the secret arrives split across two reads', async () => {
    // prints the secret it was given in two parts, a moment apart, so keywarden reads them as two chunks
    const command =
      's=$(cat); printf "got %s" "$(printf %s "$s" | cut -c1-12)"; sleep 0.3; printf "%s and done\\n" "$(printf %s "$s" | cut -c13-)"';
    const { code, stderr } = await runCli(
      [...sandbox.args('cobo'), 'create', 'split echo', '--store', 'none', '--deliver', command, '-o', 'json'],
      { env: env() },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('deliver: got *** and done');
  });
});

describe('what a manifest may read from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-manifest-env-'));
  const manifestReading = (variable: string): string => {
    const manifest = JSON.parse(readFileSync('manifests/edgedns.json', 'utf8'));
    manifest.$schema = undefined;
    manifest.auth.extra_header = { name: 'X-Org', from_env: variable };
    const path = join(dir, `${variable}.json`);
    writeFileSync(path, JSON.stringify(manifest));
    return path;
  };

  test.each(['KEYWARDEN_FILE_PASSPHRASE', 'KEYWARDEN_TOKEN', 'KEYWARDEN_TOKEN_PROD', 'AWS_SECRET_ACCESS_KEY'])(
    'a manifest reading %s is refused by providers validate: exit 2, the field named',
    async (variable) => {
      const path = manifestReading(variable);
      const { code, stdout, stderr } = await runCli(['providers', 'validate', path], { env: env() });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `keywarden: ${path}: auth.extra_header.from_env: must be a variable named KEYWARDEN_MANIFEST_<NAME> (upper case): a manifest may read no other, so never keywarden's own credentials\n`,
      );
    },
  );

  test('and refused the same way when used, before any request', async () => {
    const path = manifestReading('KEYWARDEN_FILE_PASSPHRASE');
    const before = sandbox.current.requests.length;
    const { code, stderr } = await runCli(
      ['--provider', path, '--base-url', sandbox.current.baseUrl('edgedns'), 'list'],
      { env: env() },
    );
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toContain(
      'auth.extra_header.from_env: must be a variable named KEYWARDEN_MANIFEST_<NAME>',
    );
    expect(sandbox.current.requests.length).toBe(before);
  });

  test('a KEYWARDEN_MANIFEST_ variable is read, sent, and never shown', async () => {
    const path = manifestReading('KEYWARDEN_MANIFEST_ACME_ORG');
    const { code } = await runCli(
      ['--provider', path, '--base-url', sandbox.current.baseUrl('edgedns'), 'list', '--debug'],
      { env: env() },
    );
    expect(code).toBe(0);
  });
});
