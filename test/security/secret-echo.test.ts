import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * Many key APIs give the whole secret at create in the field their listing shows truncated, and some repeat it
 * inside a longer string. The EdgeDNS simulator here does both (`prefix` is the secret, the name holds it), and the
 * manifest maps those fields the natural way: no secret may reach stdout, stderr, a journal, the index, the config
 * or any state file, through create, rotate, rotate --resume or audit, with the built-in provider or its manifest by path.
 */

const sandbox = useSandbox({ keys: 3, seed: 'echo', edgedns: { echoSecret: true } });
const home = isolatedEnv();
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token, KEYWARDEN_FILE_PASSPHRASE: 'echo tests' });
const providers = {
  'built-in provider': () => ['--provider', 'edgedns', '--base-url', sandbox.current.baseUrl('edgedns')],
  'manifest by path': () => ['--provider', 'manifests/edgedns.json', '--base-url', sandbox.current.baseUrl('edgedns')],
};
const keyOf = (id: string) => sandbox.current.accounts.edgedns.find(id)!;
const journalDir = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!, home.XDG_DATA_HOME!]));

describe.each(Object.entries(providers))('a create answer that repeats the secret, through the %s', (via, args) => {
  test('create -o json: the key record shows a short prefix and no name made of the secret; the secret itself nowhere', async () => {
    const { code, stdout, stderr } = await runCli(
      [...args(), 'create', `echo ${via}`, '--store', 'file', '-o', 'json'],
      { env: env() },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const held = keyOf(doc.key.id);
    expect(doc.secret).toBeUndefined();
    expect(doc.key.prefix).toBe(held.secret.slice(0, 8));
    // the name that held the secret is dropped, and the name asked for stands in its place
    expect(doc.key.name).toBe(`echo ${via}`);
    expect(stdout).not.toContain(held.secret);
  });

  test('create in a pipe prints the key id only', async () => {
    const { code, stdout } = await runCli([...args(), 'create', `echo pipe ${via}`, '--store', 'file'], { env: env() });
    expect(code).toBe(0);
    expect(keyOf(stdout.trim())).toBeDefined();
  });

  test('rotate -o json, then a rotation that stops and is resumed: no secret in output or journal', async () => {
    const old = sandbox.current.accounts.edgedns.create({ name: `rotated ${via}`, scopes: ['dns:read'] });
    const rotated = await runCli([...args(), 'rotate', old.id, '--store', 'file', '--yes', '-o', 'json'], {
      env: env(),
    });
    expect(rotated.code).toBe(0);
    const doc = JSON.parse(rotated.stdout);
    expect(doc.new.prefix).toBe(keyOf(doc.new.id).secret.slice(0, 8));

    const second = sandbox.current.accounts.edgedns.create({ name: `resumed ${via}` });
    const gate = join(home.HOME!, `deliver-ok-${via}`);
    const stopped = await runCli(
      [
        ...args(),
        'rotate',
        second.id,
        '--store',
        'file',
        '--deliver',
        `test -f '${gate}' && cat > /dev/null`,
        '--yes',
        '-o',
        'json',
      ],
      { env: env() },
    );
    expect(stopped.code).toBe(1);
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(stopped.stderr)![1]!;
    const journal = readFileSync(join(journalDir, `${id}.json`), 'utf8');
    const created = JSON.parse(journal).new as { id: string };
    expect(journal).not.toContain(keyOf(created.id).secret);
    writeFileSync(gate, '');
    const resumed = await runCli(['rotate', '--resume', id, '--yes', '-o', 'json'], { env: env() });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ new: { id: created.id }, delivered: true, old_revoked: true });
  });

  test('audit, in every format', async () => {
    for (const format of ['json', 'csv', 'markdown', 'sarif', 'table']) {
      const { code } = await runCli([...args(), 'audit', '-o', format], { env: env() });
      expect(code, format).toBe(0);
    }
  });
});

test('the journals and the index were written, so the guard above had files to look in', () => {
  expect(readdirSync(journalDir).length).toBeGreaterThan(0);
  expect(readFileSync(join(home.XDG_STATE_HOME!, 'keywarden', 'stored-secrets.json'), 'utf8')).toContain('edgedns/');
});
