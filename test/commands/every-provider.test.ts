// Every built-in provider through the commands a person runs (profile add, list, create, rotate, revoke, audit),
// against its sandbox simulator, each secret in the keychain. Ids go after `--`: a SendGrid id may begin with '-'.
import { afterAll, describe, expect, test } from 'vitest';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import { builtinProvider } from '../../src/providers/registry.js';
import { sandboxProviders } from '../../src/sandbox/server.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, storedInKeychain } from '../helpers/keychain.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';
import { deliverAndUse } from '../helpers/usage.js';
import { expectations } from '../conformance/expectations.js';

const sandbox = useSandbox({ keys: 6, seed: 'every-provider' });
const home = isolatedEnv();
afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

test('the sandbox simulates every built-in provider, and only those', () => {
  expect([...sandboxProviders].sort()).toEqual(builtinIds());
});

describe.runIf(keychainAvailable())('each built-in provider through the commands', () => {
  test.each(builtinIds() as SandboxProviderId[])(
    '%s: profile add, list, create, rotate, revoke, audit',
    async (provider) => {
      const expected = expectations[provider];
      const account = () => sandbox.current.accounts[provider];
      const token = (expected.adminToken ?? ((t: string) => t))(sandbox.current.token);
      const env = {
        ...home,
        KEYWARDEN_TOKEN: token,
        ...(provider === 'npm' ? { KEYWARDEN_NPM_PASSWORD: expected.credentials!.password } : {}),
      };
      const cli = (...argv: string[]) => runCli(['-p', provider, ...argv], { env });
      const sets = Object.entries(expected.settings ?? {}).flatMap(([name, value]) => ['--set', `${name}=${value}`]);

      const added = await runCli(
        ['--provider', provider, '--base-url', sandbox.current.baseUrl(provider), 'profile', 'add', provider, ...sets],
        { env },
      );
      expect(added.stderr).toMatch(new RegExp(`^added profile ${provider} `));
      expect(added.code).toBe(0);

      const listed = await cli('list', '-o', 'json');
      expect(listed.code).toBe(0);
      const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((k) => k.id).sort();
      expect(ids).toEqual(
        account()
          .keys.filter((k) => expected.listed(k))
          .map((k) => k.id)
          .sort(),
      );

      let keyId: string;
      if (expected.fullCreate) {
        const created = await cli('create', `${provider} worker`, '-o', 'json');
        expect(created.code).toBe(0);
        const doc = JSON.parse(created.stdout);
        keyId = doc.key.id;
        expect(doc.stored).toBe(`keychain:keywarden/${provider}/${keyId}`);
        expect(storedInKeychain(`${provider}/${keyId}`)).toBe(account().find(keyId)!.secret);
      } else {
        const refused = await cli('create', `${provider} worker`);
        expect(refused).toMatchObject({ code: 2, stdout: '' });
        expect(refused.stderr).toMatch(
          new RegExp(`^keywarden: .* \\(${provider}\\) cannot create keys through its API\n`),
        );
        keyId = account().create({ name: `${provider} worker` }).id;
      }

      const rotated = await rotate(provider, keyId, cli);
      if (rotated !== null) keyId = rotated;

      const revoked = await cli('revoke', '--yes', '--', keyId);
      expect(revoked.code).toBe(0);
      const held = account().find(keyId);
      expect(held === undefined || held.revokedAt !== null).toBe(true);

      const audited = await cli('audit', '-o', 'json');
      expect(audited.code).toBe(0);
      const report = JSON.parse(audited.stdout);
      // keys shown as revoked are not audited
      const now = Date.now();
      const inService = account().keys.filter(
        (k) => expected.listed(k) && expected.record(k, now).status !== 'revoked',
      );
      expect(report.summary.keys).toBe(inService.length);
      expect(report.errors).toEqual([]);
      for (const finding of report.findings) expect(finding).toMatchObject({ provider, profile: provider });
    },
  );
});

/** Rotates the key the way its provider allows, checks the outcome, and gives the id of the key now in service. */
async function rotate(
  provider: SandboxProviderId,
  keyId: string,
  cli: (...argv: string[]) => ReturnType<typeof runCli>,
): Promise<string | null> {
  const account = sandbox.current.accounts[provider];
  const can = builtinProvider(provider)!.capabilities;
  if (!can.create && !can.nativeRotate) {
    const refused = await cli('rotate', '--yes', '--', keyId);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^keywarden: .*cannot create keys through its API, so keywarden cannot rotate them\n/,
    );
    return null;
  }
  const oldSecret = account.find(keyId)!.secret;
  const verify =
    can.usageTracking && !can.nativeRotate
      ? ['--deliver', deliverAndUse(sandbox.current, provider), '--verify-use', '20s']
      : [];
  const grace = can.nativeRotate ? ['--grace', '1h'] : [];
  const { code, stdout, stderr } = await cli('rotate', ...verify, ...grace, '--yes', '-o', 'json', '--', keyId);
  expect(stderr).not.toContain('keywarden:');
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  const fresh = account.find(doc.new.id)!;
  expect(storedInKeychain(`${provider}/${fresh.id}`)).toBe(fresh.secret);
  expect(fresh.secret).not.toBe(oldSecret);
  if (can.nativeRotate) {
    // the same key, a new secret; the old one works for the grace period
    expect(doc.new.id).toBe(keyId);
    expect(account.use(oldSecret)?.id).toBe(keyId);
  } else {
    expect(doc).toMatchObject({ old_revoked: true, verified_use: verify.length > 0 ? true : null });
    const old = account.find(keyId);
    expect(old === undefined || old.revokedAt !== null).toBe(true);
  }
  return doc.new.id;
}
