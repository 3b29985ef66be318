import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { assertBuilt } from '../helpers/binary.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, secretToolLookup, useRealKeychain } from '../helpers/keychain.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { runInTerminal } from '../helpers/pty.js';
import { useSandbox } from '../helpers/sandbox.js';

// the admin token's place in the OS keychain is what these tests are about
useRealKeychain();

const sandbox = useSandbox({ keys: 3 });
const home = isolatedEnv();
const profile = `login-${process.pid}`;

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

describe.runIf(keychainAvailable())('login and logout with the OS keychain', () => {
  test('a piped token is checked, stored under the profile, and used by later commands', async () => {
    const args = ['--profile', profile, ...sandbox.args('edgedns')];
    const before = sandbox.current.requests.length;
    const { code, stdout, stderr } = await runCli([...args, 'login'], {
      env: home,
      stdin: `${sandbox.current.token}\n`,
    });
    expect(stderr).toContain(`keychain:keywarden/${profile}`);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(sandbox.current.requests.length - before).toBe(1);
    expect(secretToolLookup(profile)).toBe(sandbox.current.token);
    const config = JSON.parse(readFileSync(join(home.XDG_CONFIG_HOME!, 'keywarden', 'config.json'), 'utf8'));
    expect(config.profiles[profile]).toEqual({ provider: 'edgedns', base_url: sandbox.current.baseUrl('edgedns') });

    const listed = await runCli(['--profile', profile, 'list', '-o', 'json'], { env: home });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).length).toBeGreaterThan(0);

    const out = await runCli(['--profile', profile, 'logout'], { env: home });
    expect(out.code).toBe(0);
    expect(secretToolLookup(profile)).toBeUndefined();
    const after = await runCli(['--profile', profile, 'list'], { env: home });
    expect(after.code).toBe(4);
    expect(after.stderr).toContain('keywarden login');
  });

  test('a rejected token is exit 4 and is not stored', async () => {
    const wrong = 'definitely-not-the-token';
    const { code, stderr } = await runCli(['--profile', `${profile}-wrong`, ...sandbox.args('cobo'), 'login'], {
      env: home,
      stdin: wrong,
    });
    expect(code).toBe(4);
    expect(stderr).toMatch(
      /^keywarden: the token was not accepted, so it was not stored: cobo: GET \/api\/v1\/api-keys: 401/,
    );
    expect(stderr).not.toContain(wrong);
    expect(secretToolLookup(`${profile}-wrong`)).toBeUndefined();
  });

  test('typed at a real terminal, the token is hidden', async () => {
    assertBuilt();
    const name = `${profile}-tty`;
    const result = await runInTerminal(['--profile', name, ...sandbox.args('dialnexa'), 'login'], home, [
      ['Admin token', `${sandbox.current.token}\r`],
    ]);
    expect(result.unanswered).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.output).not.toContain(sandbox.current.token);
    expect(secretToolLookup(name)).toBe(sandbox.current.token);
    const removed = await runCli(['profile', 'remove', name], { env: home });
    expect(removed.stderr).toBe(`removed profile ${name}\nremoved its stored admin token\n`);
    expect(secretToolLookup(name)).toBeUndefined();
  });
});

describe('login input', () => {
  test('an empty token is exit 2 and nothing is sent', async () => {
    const before = sandbox.current.requests.length;
    const { code, stderr } = await runCli([...sandbox.args('cobo'), 'login'], { env: home, stdin: '\n' });
    expect(code).toBe(2);
    expect(stderr).toContain('no token given');
    expect(sandbox.current.requests.length).toBe(before);
  });

  test('login takes no token flag', async () => {
    const { code, stderr } = await runCli([...sandbox.args('cobo'), 'login', '--token', 'abc'], { env: home });
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--token'");
  });
});
