// Every example the help shows, run as written against the sandbox: a person who copies one gets what its note says.
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rootExamples } from '../../src/cli.js';
import { declarationsFromModules } from '../../src/cli/commands.js';
import type { Declaration, ExampleSpec } from '../../src/command-spec.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { expectations } from '../conformance/expectations.js';
import { assertBuilt, repoRoot, runBin, spawnBin } from '../helpers/binary.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable } from '../helpers/keychain.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { gitleaks } from '../respond/scanner-reports.js';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';

const useKey = fileURLToPath(new URL('../helpers/use-key.mjs', import.meta.url));

const commands = (await declarationsFromModules()).filter((c) => !c.hidden);

/** Every example of every command, with the command it belongs to. */
function allExamples(): [string, ExampleSpec][] {
  const walk = (spec: Declaration, path: string): [string, ExampleSpec][] => [
    ...spec.examples.map((e): [string, ExampleSpec] => [path, e]),
    ...(spec.subcommands ?? []).flatMap((sub) => walk(sub, `${path} ${sub.name}`)),
  ];
  return [
    ...rootExamples.map((e): [string, ExampleSpec] => ['keywarden', e]),
    ...commands.flatMap((c) => walk(c, c.name)),
  ];
}

/** The words of a command line as a POSIX shell splits them (quotes, no expansion), and a trailing `> file` apart. */
function shellWords(line: string): { words: string[]; redirected: boolean } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  const at = words.indexOf('>');
  return at < 0 ? { words, redirected: false } : { words: words.slice(0, at), redirected: true };
}

let sandbox: Sandbox;
beforeAll(async () => {
  assertBuilt();
  sandbox = await startTestSandbox({
    keys: 12,
    seed: 'help-examples',
    token: `tok-${Math.random().toString(36).slice(2)}-examples`,
  });
});
afterAll(async () => sandbox?.close());

/**
 * A person's setup as the examples assume it: `prod` (EdgeDNS, current) and `staging` (Cobo), a profile per built-in
 * provider, all on the sandbox, the admin token in the environment, and in the working directory ./update-secret.sh, a
 * script that puts the new secret to use, last.json, an earlier audit's document, and leaks.json, a gitleaks report
 * that found the secret of a key of prod.
 */
async function setUp(): Promise<{ env: Record<string, string | undefined>; cwd: string }> {
  const home = isolatedEnv();
  const env = {
    ...home,
    KEYWARDEN_TOKEN: sandbox.token,
    KEYWARDEN_TOKEN_MUX: expectations.mux.adminToken!(sandbox.token),
    KEYWARDEN_NPM_PASSWORD: expectations.npm.credentials!.password,
    KEYWARDEN_FILE_PASSPHRASE: 'examples passphrase',
  };
  const add = async (name: string, provider: SandboxProviderId): Promise<void> => {
    const sets = Object.entries(expectations[provider].settings ?? {}).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const { code, stderr } = await runCli(
      ['profile', 'add', name, '--provider', provider, '--base-url', sandbox.baseUrl(provider), ...sets],
      { env },
    );
    expect(code, stderr).toBe(0);
  };
  await add('prod', 'edgedns');
  await add('staging', 'cobo');
  for (const id of builtinIds()) await add(id, id as SandboxProviderId);
  const cwd = mkdtempSync(join(home.HOME!, 'work-'));
  const script = join(cwd, 'update-secret.sh');
  writeFileSync(
    script,
    `#!/bin/sh\nexec '${process.execPath}' '${useKey}' '${sandbox.baseUrl('edgedns')}/dns/lookup' authorization 'Bearer '\n`,
  );
  chmodSync(script, 0o755);
  symlinkSync(join(repoRoot, 'manifests'), join(cwd, 'manifests'));
  // an earlier review's `keywarden audit -o json`, for `audit --baseline last.json`: prod then had no keys
  writeFileSync(
    join(cwd, 'last.json'),
    JSON.stringify({
      generated_at: '2025-01-01T00:00:00.000Z',
      summary: {},
      findings: [],
      errors: [],
      profiles: ['prod'],
      keys: [],
    }),
  );
  const leaked = sandbox.accounts.edgedns.create({ name: 'leaked in a commit', environment: 'live' });
  writeFileSync(join(cwd, 'leaks.json'), gitleaks([{ secret: leaked.secret, file: 'config/prod.env', line: 3 }]));
  return { env, cwd };
}

describe.runIf(keychainAvailable())('every example in the help works as written', () => {
  test.each(allExamples().map(([path, e]) => [path, e.command, e] as const))(
    '%s: %s',
    async (_path, _line, example) => {
      const { words, redirected } = shellWords(example.command);
      expect(words[0]).toBe('keywarden');
      const { env, cwd } = await setUp();
      const args = words.slice(1);

      if (example.serves) {
        const served = spawnBin(args, { env, cwd });
        for (let waited = 0; !served.stderr().includes('Ctrl-C stops it.') && waited < 10_000; waited += 50)
          await new Promise((r) => setTimeout(r, 50));
        expect(served.stderr()).toContain('Ctrl-C stops it.');
        served.child.kill('SIGINT');
        expect(await served.exit).toBe(130);
        return;
      }

      const revealsSecret = args.includes('--reveal');
      const { code, stdout, stderr } = await runBin(args, {
        env,
        cwd,
        stdin: example.readsToken ? `${sandbox.token}\n` : '',
        revealsSecret,
      });
      expect(code, stderr).toBe(example.exits ?? 0);
      if ((example.exits ?? 0) === 0) expect(stderr).not.toMatch(/^keywarden: (?!warning)/m);
      if (redirected) expect(stdout.length).toBeGreaterThan(0);
    },
    60_000,
  );

  test('the examples cover every command', () => {
    const covered = new Set(allExamples().map(([path]) => path.split(' ')[0]));
    for (const command of commands) expect(covered.has(command.name), command.name).toBe(true);
  });
});
