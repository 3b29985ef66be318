import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { assertBuilt, firstLine, repoRoot, runBin, spawnBin } from '../helpers/binary.js';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;

beforeAll(assertBuilt);

describe('the built binary', () => {
  test('--version prints the package version', async () => {
    const { code, stdout } = await runBin(['--version'], { env: isolatedEnv() });
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  test.each([['--version'], ['--help'], ['list', '--help']])(
    '%s loads no command code, HTTP client, prompts or table renderer',
    async (...args) => {
      const env = isolatedEnv();
      const log = join(env.HOME!, 'loads.log');
      const { code } = await runBin(args, {
        env: { ...env, KW_LOAD_LOG: log },
        nodeArgs: ['--import', join(repoRoot, 'test/helpers/load-recorder.mjs')],
      });
      expect(code).toBe(0);
      const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      expect(loaded.some((url) => url.endsWith('/bin/keywarden.js'))).toBe(true);
      // the commands' declarations come from the index the build wrote; no command module is loaded
      for (const heavy of ['/dist/commands/', '/undici/', '/@inquirer/', '/chalk/', '/cli-table3/', '/@napi-rs/']) {
        expect(
          loaded.filter((url) => url.includes(heavy)),
          heavy,
        ).toEqual([]);
      }
    },
  );

  test('sandbox serves until interrupted; list against it works; Ctrl-C is exit 130', async () => {
    const env = isolatedEnv({ KEYWARDEN_TOKEN: 'e2e-sandbox-token' });
    const sandbox = spawnBin(['sandbox', '--port', '0', '--keys', '30', '-o', 'json'], { env });
    const { base_urls: baseUrls } = JSON.parse(await firstLine(sandbox)) as { base_urls: Record<string, string> };
    try {
      const listed = await runBin(['--provider', 'dakota', '--base-url', baseUrls.dakota!, 'list', '-o', 'json'], {
        env,
      });
      expect(listed.stderr).toBe('');
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toHaveLength(30);
    } finally {
      sandbox.child.kill('SIGINT');
    }
    expect(await sandbox.exit).toBe(130);
  });

  test('a listing of many pages at once prints nothing on stderr (no listener-leak warning from in-flight requests)', async () => {
    const env = isolatedEnv({ KEYWARDEN_TOKEN: 'e2e-sandbox-token' });
    const sandbox = spawnBin(['sandbox', '--port', '0', '--keys', '2400', '-o', 'json'], { env });
    const { base_urls: baseUrls } = JSON.parse(await firstLine(sandbox)) as { base_urls: Record<string, string> };
    try {
      const listed = await runBin(
        ['--provider', 'dialnexa', '--base-url', baseUrls.dialnexa!, '--concurrency', '16', 'list', '-o', 'ndjson'],
        { env },
      );
      expect(listed.code).toBe(0);
      expect(listed.stdout.trim().split('\n')).toHaveLength(2400);
      expect(listed.stderr).toBe('');
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exit;
    }
  });

  test('Ctrl-C during a request that never answers exits 130 with one line', async () => {
    const env = isolatedEnv({ KEYWARDEN_TOKEN: 'e2e-sandbox-token' });
    const sandbox = spawnBin(['sandbox', '--port', '0', '--stall-every', '1', '-o', 'json'], { env });
    const { base_urls: baseUrls } = JSON.parse(await firstLine(sandbox)) as { base_urls: Record<string, string> };
    try {
      const list = spawnBin(['--provider', 'cobo', '--base-url', baseUrls.cobo!, 'list'], { env });
      await new Promise((resolve) => setTimeout(resolve, 400));
      list.child.kill('SIGINT');
      expect(await list.exit).toBe(130);
      expect(list.stderr()).toBe('keywarden: interrupted\n');
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exit;
    }
  });

  test('npm pack produces a package that npx runs from another directory', { timeout: 120_000 }, async () => {
    const env = isolatedEnv();
    const packDir = mkdtempSync(join(tmpdir(), 'kw-pack-'));
    const { execFileSync } = await import('node:child_process');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, npm_config_loglevel: 'error' },
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/keywarden.js');
    expect(files).toContain('dist/main.js');
    expect(files).toContain('LICENSE');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);

    const elsewhere = mkdtempSync(join(tmpdir(), 'kw-npx-'));
    const npx = (...args: string[]) =>
      execFileSync('npx', ['--yes', '--package', join(packDir, packed[0]!.filename), 'keywarden', ...args], {
        cwd: elsewhere,
        encoding: 'utf8',
        env: { ...process.env, ...env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
      });
    expect(npx('--version')).toBe(`${version}\n`);
    const providers = JSON.parse(npx('providers', '-o', 'json')) as { id: string }[];
    expect(providers.map((p) => p.id)).toEqual(
      readdirSync(join(repoRoot, 'manifests'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort(),
    );
  });
});
