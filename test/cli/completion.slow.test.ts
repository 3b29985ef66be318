import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { declarationsFromModules } from '../../src/cli/commands.js';
import { completions, type CompletionSources } from '../../src/cli/complete.js';
import { assertBuilt, binPath } from '../helpers/binary.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';

const home = isolatedEnv();
const bin = mkdtempSync(join(home.HOME!, 'bin-'));

beforeAll(async () => {
  assertBuilt();
  // keywarden on the PATH, as npm link or a global install puts it there
  writeFileSync(join(bin, 'keywarden'), `#!/bin/sh\nexec '${process.execPath}' '${binPath}' "$@"\n`);
  chmodSync(join(bin, 'keywarden'), 0o755);
  for (const [name, provider] of [
    ['prod', 'edgedns'],
    ['prod-eu', 'edgedns'],
    ['staging', 'cobo'],
  ]) {
    expect((await runCli(['profile', 'add', name!, '--provider', provider!], { env: home })).code).toBe(0);
  }
});

/** What a real bash offers after sourcing `keywarden completion bash`, for a line typed up to the cursor. */
function bashCompletes(line: string): string[] {
  const script = [
    'source <(keywarden completion bash)',
    `COMP_LINE=${JSON.stringify(line)}`,
    'read -ra COMP_WORDS <<< "$COMP_LINE"',
    '[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")',
    'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
    '_keywarden',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { ...home, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash completion, through a real bash', () => {
  test('a command', () => {
    expect(bashCompletes('keywarden ro')).toEqual(['rotate']);
    expect(bashCompletes('keywarden l')).toEqual(['list', 'login', 'logout']);
    expect(bashCompletes('keywarden profile ')).toEqual(['add', 'list', 'remove', 'set', 'use']);
  });

  test("a flag, and a flag's values", () => {
    expect(bashCompletes('keywarden list --sta')).toEqual(['--status']);
    expect(bashCompletes('keywarden list --status ')).toEqual(['active', 'all', 'expired', 'revoked']);
    expect(bashCompletes('keywarden audit -o sa')).toEqual(['sarif']);
    expect(bashCompletes('keywarden --provider tw')).toEqual(['twilio']);
  });

  test('a profile name, after -p and as the argument of profile use', () => {
    expect(bashCompletes('keywarden -p pro')).toEqual(['prod', 'prod-eu']);
    expect(bashCompletes('keywarden profile use st')).toEqual(['staging']);
  });
});

const commands = await declarationsFromModules();

describe('what completion offers', () => {
  const sources = (keys: Record<string, string[]> = {}): CompletionSources => ({
    profiles: async () => ['prod', 'staging'],
    providers: () => ['cobo', 'edgedns'],
    keys: async (profile) => keys[profile ?? 'prod'] ?? [],
  });

  test('key ids of the profile named on the line, else the current one, for revoke and rotate', async () => {
    const known = { prod: ['key_a1', 'key_b2'], staging: ['stg_1'] };
    expect(await completions(['revoke', 'key_'], commands, sources(known))).toEqual(['key_a1', 'key_b2']);
    expect(await completions(['-p', 'staging', 'rotate', ''], commands, sources(known))).toEqual(['stg_1']);
    // rotate takes one key; revoke any number
    expect(await completions(['rotate', 'key_a1', ''], commands, sources(known))).toEqual([]);
    expect(await completions(['revoke', 'key_a1', ''], commands, sources(known))).toEqual(['key_a1', 'key_b2']);
  });

  test('a value a flag takes is never offered flags or commands; an option with a value is skipped over', async () => {
    expect(await completions(['create', '--scopes', ''], commands, sources())).toEqual([]);
    expect(await completions(['--timeout', '30s', 'li'], commands, sources())).toEqual(['list']);
    expect(await completions(['-'], commands, sources())).toContain('-p');
    expect(await completions(['--'], commands, sources())).not.toContain('-p');
  });
});
