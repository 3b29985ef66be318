import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { SimProviderId } from '../../src/sandbox/model.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, storedInKeychain } from '../helpers/keychain.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { startTestSandbox, useSandbox } from '../helpers/sandbox.js';

/** Every command works on a manifest provider as on the built-in adapter it describes, against the same simulator. */

const sandbox = useSandbox({ keys: 8, seed: 'manifest-commands' });
const home = isolatedEnv();
const env = (extra = {}) => ({
  ...home,
  KEYWARDEN_TOKEN: sandbox.current.token,
  KEYWARDEN_FILE_PASSPHRASE: 'manifest tests',
  ...extra,
});
const now = new Date();
const providers: SimProviderId[] = ['dialnexa', 'dakota', 'edgedns', 'cobo'];
const manifest = (id: SimProviderId) => `manifests/${id}.json`;
const viaManifest = (id: SimProviderId) => ['--provider', manifest(id), '--base-url', sandbox.current.baseUrl(id)];
const account = (id: SimProviderId) => sandbox.current.accounts[id];
const cli = (argv: string[], extra = {}) => runCli(argv, { env: env(extra), now: () => now });

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

describe('commands on a manifest provider', () => {
  test.each(providers)('%s: list -o json is the same document as with the built-in adapter', async (id) => {
    const builtin = await cli([...sandbox.args(id), 'list', '--status', 'all', '-o', 'json']);
    const described = await cli([...viaManifest(id), 'list', '--status', 'all', '-o', 'json']);
    expect(described.stderr).toBe('');
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout)).toEqual(JSON.parse(builtin.stdout));
    expect(JSON.parse(described.stdout).length).toBeGreaterThan(0);
  });

  test.each(providers)('%s: audit -o json finds what it finds with the built-in adapter', async (id) => {
    const builtin = await cli([...sandbox.args(id), 'audit', '-o', 'json']);
    const described = await cli([...viaManifest(id), 'audit', '-o', 'json']);
    expect(described.code).toBe(builtin.code);
    expect(JSON.parse(described.stdout)).toEqual(JSON.parse(builtin.stdout));
  });

  test('revoke by id with --yes', async () => {
    const key = account('cobo').create({ name: 'manifest revoke' });
    const { code, stdout } = await cli([...viaManifest('cobo'), 'revoke', key.id, '--yes', '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.revoked.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect(doc.revoked[0]).toMatchObject({ provider: 'cobo', profile: 'cobo', status: 'revoked' });
    expect(account('cobo').find(key.id)!.revokedAt).not.toBeNull();
  });

  test('revoke tries the fallback method when the server answers 405 (EdgeDNS as one crawl documents it)', async () => {
    const posting = await startTestSandbox({
      keys: 2,
      token: sandbox.current.token,
      edgedns: { revokeMethod: 'POST' },
    });
    try {
      const [key] = posting.accounts.edgedns.keys;
      const { code } = await cli([
        '--provider',
        manifest('edgedns'),
        '--base-url',
        posting.baseUrl('edgedns'),
        'revoke',
        key!.id,
        '--yes',
        '-o',
        'json',
      ]);
      expect(code).toBe(0);
      expect(posting.requests.filter((r) => r.path.startsWith('/edgedns/v1/keys/')).map((r) => r.method)).toEqual([
        'DELETE',
        'POST',
      ]);
      expect(key!.revokedAt).not.toBeNull();
    } finally {
      await posting.close();
    }
  });

  test('create with the encrypted file store: the provider options reach the provider', async () => {
    const { code, stdout, stderr } = await cli([
      ...viaManifest('edgedns'),
      'create',
      'manifest file key',
      '--environment',
      'test',
      '--scopes',
      'dns:read',
      '--ip-allowlist',
      '198.51.100.7/32',
      '--expires-in',
      '30d',
      '--store',
      'file',
      '-o',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.stored).toMatch(new RegExp(`^file:.*edgedns/${doc.key.id}`));
    expect(account('edgedns').find(doc.key.id)).toMatchObject({
      environment: 'test',
      scopes: ['dns:read'],
      ipAllowlist: ['198.51.100.7/32'],
    });
    expect(doc.key).toMatchObject({
      provider: 'edgedns',
      name: 'manifest file key',
      environment: 'test',
      scopes: ['dns:read'],
    });
  });

  test('a flag the manifest provider does not support is exit 2, as for a built-in one', async () => {
    const { code, stderr } = await cli([...viaManifest('dakota'), 'create', 'x', '--scopes', 'a', '--store', 'file']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('keywarden: dakota does not support --scopes');
  });

  test('rotate with the encrypted file store: new key, old one revoked', async () => {
    const old = account('cobo').create({ name: 'manifest rotate file', scopes: ['wallet:read'] });
    const { code, stdout } = await cli([
      ...viaManifest('cobo'),
      'rotate',
      old.id,
      '--store',
      'file',
      '--yes',
      '-o',
      'json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.old.id).toBe(old.id);
    expect(doc.old_revoked).toBe(true);
    expect(account('cobo').find(doc.new.id)).toMatchObject({ name: 'manifest rotate file', scopes: ['wallet:read'] });
    expect(account('cobo').find(old.id)!.revokedAt).not.toBeNull();
  });
});

describe('an interrupted rotation on a provider known only from its manifest', () => {
  test('rotate --resume finds the manifest again, from the journal', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const copy = join(mkdtempSync(join(tmpdir(), 'kw-manifest-')), 'wallet.json');
    writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(manifest('cobo'), 'utf8')), id: 'wallet-copy' }));
    const old = account('cobo').create({ name: 'resumed via manifest' });
    const gate = join(home.HOME!, 'wallet-deliver-ok');
    const args = [
      '--provider',
      copy,
      '--base-url',
      sandbox.current.baseUrl('cobo'),
      'rotate',
      old.id,
      '--store',
      'file',
      '--deliver',
      `test -f '${gate}' && cat > /dev/null`,
      '--yes',
    ];
    const failed = await cli(args);
    expect(failed.code).toBe(1);
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(failed.stderr)![1]!;
    writeFileSync(gate, '');
    const resumed = await runCli(['rotate', '--resume', id, '--yes', '-o', 'json'], { env: env(), now: () => now });
    expect(resumed.stderr).not.toContain('keywarden:');
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    expect(doc.new.provider).toBe('wallet-copy');
    expect(account('cobo').find(old.id)!.revokedAt).not.toBeNull();
  });
});

describe('profiles naming a manifest', () => {
  test('profile add stores the absolute path; the profile then works from anywhere', async () => {
    const own = isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token });
    const added = await runCli(
      ['profile', 'add', 'wallet', '--provider', manifest('cobo'), '--base-url', sandbox.current.baseUrl('cobo')],
      { env: own },
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('added profile wallet (Cobo Agentic Wallet');
    const config = JSON.parse(readFileSync(join(own.XDG_CONFIG_HOME!, 'keywarden', 'config.json'), 'utf8'));
    expect(config.profiles.wallet).toEqual({
      provider: resolve(manifest('cobo')),
      base_url: sandbox.current.baseUrl('cobo'),
    });

    const listed = await runCli(['--profile', 'wallet', 'list', '-o', 'json'], { env: own });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ provider: 'cobo', profile: 'wallet' });
  });

  test('without --profile, a manifest provider is a profile named by the manifest id', async () => {
    const { code, stdout } = await cli([
      '--provider',
      `./${manifest('dakota')}`,
      '--base-url',
      sandbox.current.baseUrl('dakota'),
      'list',
      '-o',
      'json',
    ]);
    expect(code).toBe(0);
    expect(new Set(JSON.parse(stdout).map((k: { profile: string }) => k.profile))).toEqual(new Set(['dakota']));
  });
});

describe.runIf(keychainAvailable())('create and rotate on a manifest provider, with the OS keychain', () => {
  test('create stores the secret where secret-tool reads it', async () => {
    const { code, stdout, stderr } = await cli([
      ...viaManifest('cobo'),
      'create',
      'manifest keychain key',
      '--scopes',
      'wallet:read',
      '--principal',
      'svc-billing',
      '-o',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.stored).toBe(`keychain:keywarden/cobo/${doc.key.id}`);
    expect(doc.key).toMatchObject({
      provider: 'cobo',
      name: 'manifest keychain key',
      scopes: ['wallet:read'],
      owner: 'svc-billing',
    });
    expect(storedInKeychain(`cobo/${doc.key.id}`)).toBe(account('cobo').find(doc.key.id)!.secret);
  });

  test.each(providers)('%s: rotate makes the new key, stores it in the keychain, revokes the old one', async (id) => {
    const old = account(id).create({ name: `${id} manifest rotation` });
    const { code, stdout, stderr } = await cli([...viaManifest(id), 'rotate', old.id, '--yes', '-o', 'json']);
    expect(stderr).not.toContain('keywarden:');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      old: { id: old.id, provider: id },
      new: { provider: id },
      old_revoked: true,
      stored: `keychain:keywarden/${id}/${doc.new.id}`,
    });
    expect(storedInKeychain(`${id}/${doc.new.id}`)).toBe(account(id).find(doc.new.id)!.secret);
    if (id === 'dakota') expect(account(id).find(old.id)).toBeUndefined();
    else expect(account(id).find(old.id)!.revokedAt).not.toBeNull();
  });
});
