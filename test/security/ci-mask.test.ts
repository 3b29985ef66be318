import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';
import { storeFailingAfterCheck } from '../helpers/stores.js';

/** Under GitHub Actions, every secret printed is registered with ::add-mask:: first, on every path that prints one. */

const sandbox = useSandbox({ keys: 2, seed: 'ci-mask' });
const home = isolatedEnv();
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token, GITHUB_ACTIONS: 'true' });
const newest = (provider: 'cobo' | 'edgedns') => sandbox.current.accounts[provider].keys.at(-1)!;

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

/** The ::add-mask:: line for the secret comes on stderr before any line that shows it, on either stream. */
function expectMaskedFirst(stdout: string, stderr: string, secret: string): void {
  const lines = stderr.split('\n');
  const mask = lines.indexOf(`::add-mask::${secret}`);
  expect(mask).toBeGreaterThanOrEqual(0);
  expect(lines.slice(0, mask).some((line) => line.includes(secret))).toBe(false);
  expect(`${stdout}${lines.slice(mask + 1).join('\n')}`.split(secret)).toHaveLength(2);
}

describe('masked before it is printed', () => {
  test('create --reveal -o json', async () => {
    const { code, stdout, stderr } = await runCli(
      [...sandbox.args('cobo'), 'create', 'json revealed', '--store', 'none', '--reveal', '-o', 'json'],
      { env: env(), revealsSecret: true },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).secret).toBe(newest('cobo').secret);
    expectMaskedFirst(stdout, stderr, newest('cobo').secret);
  });

  test('the one-time box on a terminal', async () => {
    const { code, stdout, stderr } = await runCli(
      [...sandbox.args('cobo'), 'create', 'boxed', '--store', 'none', '--deliver', 'cat > /dev/null'],
      { env: env(), tty: true, revealsSecret: true },
    );
    expect(code).toBe(0);
    expectMaskedFirst(stdout, stderr, newest('cobo').secret);
  });

  test('a secret nothing took, printed because it must be', async () => {
    const { code, stdout, stderr } = await runCli(
      [...sandbox.args('cobo'), 'create', 'undelivered', '--store', 'none', '--deliver', 'exit 5'],
      { env: env(), revealsSecret: true },
    );
    expect(code).toBe(1);
    expectMaskedFirst(stdout, stderr, newest('cobo').secret);
  });

  test('a rotation whose new secret can be neither stored nor revoked: masked, printed once, and the message says it was not revoked', async () => {
    const old = sandbox.current.accounts.edgedns.create({ name: 'unkeepable' });
    sandbox.current.setFaults({ failEvery: 1, failStatus: 500, methods: ['DELETE'] });
    const { code, stdout, stderr } = await runCli([...sandbox.args('edgedns'), 'rotate', old.id, '--yes'], {
      env: env(),
      secretStores: { keychain: storeFailingAfterCheck('the keychain is locked') },
      revealsSecret: true,
    });
    sandbox.current.setFaults({});
    expect(code).toBe(1);
    const fresh = newest('edgedns');
    expect(fresh.revokedAt).toBeNull();
    expectMaskedFirst(stdout, stderr, fresh.secret);
    expect(stderr).toContain(
      `keywarden: the new key ${fresh.id} could be neither stored nor revoked; the secret of ${fresh.id} (unkeepable) follows, and will not be shown again:`,
    );
    expect(stderr).toContain(
      `and the new key ${fresh.id} could not be revoked either: its secret was printed above; revoke it: keywarden revoke ${fresh.id}`,
    );
    expect(stderr).not.toContain('was revoked again');
    expect(sandbox.current.accounts.edgedns.find(old.id)!.revokedAt).toBeNull();
  });
});
