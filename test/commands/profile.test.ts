import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';

const sandbox = useSandbox({ keys: 5 });

describe('profile', () => {
  test('add, list, use and remove, in a 0600 config file that holds no credential', async () => {
    const env = isolatedEnv({ KEYWARDEN_TOKEN: sandbox.current.token });
    expect((await runCli(['profile', 'add', 'prod', ...sandbox.args('dialnexa')], { env })).code).toBe(0);
    expect((await runCli(['profile', 'add', 'wallet', '--provider', 'cobo', '--store', 'file'], { env })).code).toBe(0);

    const file = join(env.XDG_CONFIG_HOME!, 'keywarden', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.XDG_CONFIG_HOME!, 'keywarden')).mode & 0o777).toBe(0o700);
    const config = JSON.parse(readFileSync(file, 'utf8'));
    expect(config).toEqual({
      current: 'prod',
      profiles: {
        prod: { provider: 'dialnexa', base_url: sandbox.current.baseUrl('dialnexa') },
        wallet: { provider: 'cobo', store: 'file' },
      },
    });
    expect(readFileSync(file, 'utf8')).not.toContain(sandbox.current.token);

    const listed = await runCli(['profile', 'list', '-o', 'json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        name: 'prod',
        provider: 'dialnexa',
        base_url: sandbox.current.baseUrl('dialnexa'),
        store: 'keychain',
        current: true,
      },
      { name: 'wallet', provider: 'cobo', base_url: null, store: 'file', current: false },
    ]);

    // the current profile is used when none is named
    const keys = await runCli(['list', '-o', 'json'], { env });
    expect(keys.code).toBe(0);
    expect(JSON.parse(keys.stdout)[0].profile).toBe('prod');

    expect((await runCli(['profile', 'use', 'wallet'], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe('wallet');
    expect((await runCli(['profile', 'remove', 'wallet'], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ profiles: { prod: config.profiles.prod } });

    // with one profile left it is used even though none is current
    expect((await runCli(['list'], { env })).code).toBe(0);
  });

  test('the table marks the current profile', async () => {
    const env = isolatedEnv();
    await runCli(['profile', 'add', 'one', '--provider', 'edgedns'], { env });
    const { stdout } = await runCli(['profile', 'list'], { env, tty: true });
    expect(stdout).toMatch(/\*\s+│?\s*one\s+│?\s*edgedns/);
  });

  test('bad profile input is exit 2 with one line', async () => {
    const env = isolatedEnv();
    await runCli(['profile', 'add', 'taken', '--provider', 'cobo'], { env });
    for (const argv of [
      ['profile', 'add', 'bad name', '--provider', 'cobo'],
      ['profile', 'add', 'x', '--provider', 'nosuch'],
      ['profile', 'add', 'x'],
      ['profile', 'add', 'x', '--provider', 'cobo', '--base-url', 'http://10.0.0.8/api'],
      ['profile', 'add', 'x', '--provider', 'cobo', '--store', 'plaintext'],
      ['profile', 'add', 'taken', '--provider', 'cobo'],
      ['profile', 'use', 'missing'],
      ['profile', 'remove', 'missing'],
      ['--profile', 'missing', 'list'],
    ]) {
      const { code, stderr } = await runCli(argv, { env });
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toMatch(/^keywarden: .+\n(hint: .+\n)?$/);
    }
  });

  test('no profile at all is exit 2 with a hint', async () => {
    const { code, stderr } = await runCli(['list'], { env: isolatedEnv() });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'keywarden: no profile is set up\nhint: keywarden profile add <name> --provider <id>, or pass --provider\n',
    );
  });

  test('--config-dir and KEYWARDEN_CONFIG_DIR choose the config directory', async () => {
    const env = isolatedEnv();
    const dir = join(env.HOME!, 'elsewhere');
    await runCli(['--config-dir', dir, 'profile', 'add', 'a', '--provider', 'cobo'], { env });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.a.provider).toBe('cobo');
    const listed = await runCli(['profile', 'list', '-o', 'json'], { env: { ...env, KEYWARDEN_CONFIG_DIR: dir } });
    expect(JSON.parse(listed.stdout)[0].name).toBe('a');
  });

  test('a corrupt config file is a clear error, not a stack trace', async () => {
    const env = isolatedEnv();
    const dir = join(env.HOME!, 'cfg');
    await runCli(['--config-dir', dir, 'profile', 'add', 'a', '--provider', 'cobo'], { env });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'config.json'), '{ not json');
    const { code, stderr } = await runCli(['--config-dir', dir, 'profile', 'list'], { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^keywarden: .*config\.json: is not valid JSON \(.*\)\nhint: fix or remove the file; it holds only profiles\n$/,
    );
  });
});

describe('providers', () => {
  test('lists every built-in provider, one manifest each, with default base URLs and capabilities in snake_case', async () => {
    const { code, stdout } = await runCli(['providers', '-o', 'json']);
    expect(code).toBe(0);
    const providers = JSON.parse(stdout) as {
      id: string;
      default_base_url: string;
      capabilities: Record<string, boolean>;
    }[];
    const manifests = readdirSync('manifests')
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
    expect(providers.map((p) => p.id)).toEqual(manifests);
    expect(providers.map((p) => p.id)).toEqual(expect.arrayContaining(['dialnexa', 'dakota', 'edgedns', 'cobo']));
    expect(providers.find((p) => p.id === 'dakota')!.capabilities).toMatchObject({
      usage_tracking: false,
      idempotent_create: true,
      create: true,
      revoke: true,
    });
    expect(providers.find((p) => p.id === 'edgedns')!.default_base_url).toBe('https://api.edgedns.dev/v1');
    const table = await runCli(['providers'], { tty: true });
    expect(table.stdout).toContain('https://api.platform.dakota.xyz');
    expect(table.stdout).toContain('idempotent_create');
  });
});
