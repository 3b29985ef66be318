import { describe, expect, test } from 'vitest';
import { commandDeclarations } from '../../src/cli/commands.js';
import { helpRequest } from '../../src/cli/help.js';
import type { Declaration } from '../../src/command-spec.js';
import { runCli } from '../helpers/cli.js';

/**
 * Help is answered without commander (src/cli.ts, helpRequest), so that it starts without loading it. What it
 * prints must be what commander prints for the same request, which it still parses whenever a command line holds
 * anything more: a global flag in front (`--no-color`, which help ignores) is enough to send it there.
 */

const commands = await commandDeclarations();

/** Every command's names after `keywarden`, groups and subcommands included. */
function paths(list: readonly Declaration[], above: string[] = []): { path: string[]; spec: Declaration }[] {
  return list.flatMap((spec) => [
    { path: [...above, spec.name], spec },
    ...paths(spec.subcommands ?? [], [...above, spec.name]),
  ]);
}
const all = paths(commands);
const groups = all.filter(({ spec }) => !spec.runs);

describe('help without commander', () => {
  test.each([[[]], ...all.map(({ path }) => [path])])(
    'keywarden %j: the same help as commander prints',
    async (path) => {
      const asked = [
        [...path, '--help'],
        [...path, '-h'],
        ['help', ...path],
      ];
      for (const argv of asked) {
        const direct = await runCli(argv);
        const parsed = await runCli(['--no-color', ...argv]);
        expect(helpRequest(argv, commands), argv.join(' ')).toEqual({ path, byFlag: argv[0] !== 'help' });
        expect(helpRequest(['--no-color', ...argv], commands)).toBeUndefined();
        expect(direct, argv.join(' ')).toEqual({ code: 0, stdout: parsed.stdout, stderr: '' });
        expect(direct.stdout).toMatch(/\nUSAGE\n {2}keywarden /);
      }
    },
  );

  test.each([[[]], ...groups.map(({ path }) => [path])])(
    'keywarden %j alone: its help, as commander shows it',
    async (path) => {
      expect(helpRequest(path, commands)).toEqual({ path, byFlag: false });
      const direct = await runCli(path);
      expect(direct).toEqual({ ...(await runCli(['--no-color', ...path])), code: 0, stderr: '' });
    },
  );

  test('the help of a terminal of its width, as commander lays it out', async () => {
    for (const argv of [['--help'], ['list', '--help'], ['help', 'profile', 'add']]) {
      const direct = await runCli(argv, { tty: true, columns: 100 });
      expect(direct.stdout).toBe((await runCli(['--no-color', ...argv], { tty: true, columns: 100 })).stdout);
      expect(direct.stdout).not.toBe((await runCli(argv)).stdout);
    }
  });

  test.each([
    ['a command that runs', ['list']],
    ['an argument before --help', ['revoke', 'some-key', '--help']],
    ['a flag after --help', ['list', '--help', '--wide']],
    ['a global flag in front', ['-p', 'prod', '--help']],
    ['a name that is no command', ['lisst', '--help']],
    ['help of a name that is no command', ['help', 'lisst']],
    ['help of a subcommand that is not there', ['help', 'list', 'all']],
    ['help of help', ['help', 'help']],
    ['the completion entry point', ['__complete', '--help']],
    ['the version', ['--version']],
  ])('%s is for commander to parse', (_what, argv) => {
    expect(helpRequest(argv, commands)).toBeUndefined();
  });

  test('a hidden command has help by its names, but help does not list or find it', () => {
    const hidden: Declaration[] = [
      ...commands,
      { name: 'secret-thing', summary: 'hidden', hidden: true, runs: true, examples: [] },
    ];
    expect(helpRequest(['secret-thing', '--help'], hidden)).toEqual({ path: ['secret-thing'], byFlag: true });
    expect(helpRequest(['help', 'secret-thing'], hidden)).toBeUndefined();
  });

  test('what commander says of a name that is no command is unchanged', async () => {
    expect(await runCli(['lisst'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "keywarden: unknown command 'lisst'\nhint: did you mean list?\n",
    });
    const help = await runCli(['help', 'lisst']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain("unknown command 'lisst'");
  });
});
