// The README's walkthrough, run word for word in a real bash with keywarden on the PATH: the sandbox in one process
// (terminal 1), the rest in another (terminal 2), as a newcomer would type them.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, binPath, repoRoot } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { keychainAvailable } from '../helpers/keychain.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The shell block that follows a `<!-- walkthrough: <which>` marker. */
function block(which: string): string {
  const at = readme.indexOf(`<!-- walkthrough: ${which}`);
  expect(at, `the README marks the walkthrough's ${which}`).toBeGreaterThan(0);
  const found = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  return found![1]!;
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

const home = isolatedEnv();
const bin = mkdtempSync(join(home.HOME!, 'bin-'));
const env = { ...home, PATH: `${bin}:${process.env.PATH}` };

beforeAll(() => {
  assertBuilt();
  // what npm link puts on the PATH
  writeFileSync(join(bin, 'keywarden'), `#!/bin/sh\nexec '${process.execPath}' '${binPath}' "$@"\n`);
  chmodSync(join(bin, 'keywarden'), 0o755);
});

describe.runIf(keychainAvailable())('the README walkthrough', () => {
  test('works word for word from a fresh setup', async () => {
    expect(
      await portFree(4010),
      'the walkthrough uses the sandbox on its default port, 4010, which something else holds',
    ).toBe(true);
    // its own process group, so Ctrl-C reaches whatever the shell started, as it does in a terminal
    const terminal1 = spawn('bash', ['--norc', '--noprofile', '-c', block('terminal 1')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let banner = '';
    terminal1.stderr.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => terminal1.on('close', (code) => resolve(code)));
    try {
      for (let waited = 0; !banner.includes('Ctrl-C stops it.') && waited < 15_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      expect(banner).toContain('edgedns      http://127.0.0.1:4010/edgedns/v1');

      // each line echoed before it runs (xtrace), and the first that fails stops the rest
      const terminal2 = spawnSync('bash', ['--norc', '--noprofile', '-euxo', 'pipefail', '-c', block('terminal 2')], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(terminal2.status, terminal2.stderr).toBe(0);
      expect(terminal2.stderr).not.toMatch(/^keywarden: (?!warning)/m);
      const ran = terminal2.stderr
        .split('\n')
        .filter((line) => line.startsWith('+ keywarden'))
        .map((line) => line.split(' ')[2]);
      expect(ran).toEqual(['profile', 'list', 'create', 'list', 'rotate', 'audit', 'revoke']);
      // the listing found the new key by name; the rotation and the revocation say what they did
      expect(terminal2.stdout).toMatch(/\tci deploy\tactive\t/);
      expect(terminal2.stdout).toMatch(/^rotated\tkey_\w+\tkey_\w+\told revoked$/m);
      expect(terminal2.stdout).toMatch(/^revoked\tkey_\w+$/m);
    } finally {
      process.kill(-terminal1.pid!, 'SIGINT');
      expect(await exited).toBe(130);
    }
  }, 180_000);
});
