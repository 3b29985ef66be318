import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { assertBuilt, repoRoot, runBin } from '../helpers/binary.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * What the built binary loads to start, by the list of files it loads (never by how long it takes: the bench
 * measures that). In a pipe, help is the bin alone, answering from the pages the build laid out
 * (scripts/help-pages.mjs); on a terminal it is one bundle, dist/cli.js (scripts/bundle.mjs), beside the bin: no
 * command's code, no commander, nothing else from dist/ or node_modules.
 */

beforeAll(assertBuilt);

const root = pathToFileURL(repoRoot).href;

/** Every file the run resolved, relative to the repository, with Node's own modules (`node:...`) where asked. */
async function filesLoaded(
  args: string[],
  extraEnv: Record<string, string> = {},
  withNodes = false,
): Promise<string[]> {
  const env = { ...isolatedEnv(), ...extraEnv };
  const log = join(env.HOME!, 'loads.log');
  const { code, stdout, stderr } = await runBin(args, {
    env: { ...env, KW_LOAD_LOG: log },
    nodeArgs: ['--import', join(repoRoot, 'test/helpers/load-recorder.mjs')],
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).not.toBe('');
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return [...new Set(urls.filter((url) => withNodes || !url.startsWith('node:')).map((url) => url.replace(root, '')))];
}

const sandbox = useSandbox();

describe('start-up', () => {
  test('--version is the bin alone', async () => {
    expect(await filesLoaded(['--version'])).toEqual(['bin/keywarden.js']);
  });

  test.each([
    [[]],
    [['--help']],
    [['-h']],
    [['help']],
    [['help', 'list']],
    [['help', 'profile', 'add']],
    [['list', '--help']],
    [['profile']],
    [['profile', 'add', '--help']],
  ])('keywarden %j in a pipe is the bin alone', async (args) => {
    expect(await filesLoaded(args)).toEqual(['bin/keywarden.js']);
  });

  test.each([[['--version']], [['--help']], [['help', 'list']]])(
    "keywarden %j in a pipe makes no stdout stream: none of Node's streams or net is loaded",
    async (args) => {
      const env = isolatedEnv();
      const log = join(env.HOME!, 'builtins.log');
      const { code, stdout } = await runBin(args, {
        env: { ...env, KW_BUILTINS_LOG: log },
        nodeArgs: ['--require', join(repoRoot, 'test/helpers/builtins-recorder.cjs')],
      });
      expect(code).toBe(0);
      expect(stdout).not.toBe('');
      const loaded = readFileSync(log, 'utf8').split('\n');
      expect(loaded).toContain('fs');
      expect(loaded.filter((name) => name === 'net' || name === 'stream')).toEqual([]);
    },
  );

  test('an answer stdout cannot take is one keywarden: line and exit 1, not a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [join(repoRoot, 'bin/keywarden.js'), '--version'], {
        env: isolatedEnv(),
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('keywarden: cannot write to stdout (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });

  test('help that commander parses loads it, bundled, and still no command code', async () => {
    expect(await filesLoaded(['--no-color', 'list', '--help'])).toEqual([
      'bin/keywarden.js',
      'dist/cli.js',
      'dist/cli/program.js',
    ]);
  });

  test('a command loads its own code from dist/, which shares the modules of the bundle', async () => {
    const loaded = await filesLoaded(['providers', '-o', 'json']);
    expect(loaded.slice(0, 3)).toEqual(['bin/keywarden.js', 'dist/cli.js', 'dist/cli/program.js']);
    expect(loaded).toContain('dist/commands/providers.js');
    expect(loaded.filter((file) => file.includes('node_modules/commander'))).toEqual([]);
  });

  test('a listing loads the bundles (undici is run from its own, not required): no package file, no prompt, neither http2 nor child_process', async () => {
    const loaded = await filesLoaded(
      [...sandbox.args('dialnexa'), 'list', '-o', 'ndjson'],
      { KEYWARDEN_TOKEN: sandbox.current.token },
      true,
    );
    const ours = loaded.filter((file) => !file.startsWith('node:'));
    expect(ours.slice(0, 4)).toEqual(['bin/keywarden.js', 'dist/cli.js', 'dist/cli/program.js', 'dist/context.js']);
    expect(ours).toContain('dist/commands/list.js');
    expect(ours.filter((file) => file.includes('node_modules/'))).toEqual([]);
    expect(loaded.filter((file) => /^node:(http2|child_process)$/.test(file))).toEqual([]);
  });
});
