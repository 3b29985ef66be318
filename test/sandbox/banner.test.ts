// `keywarden sandbox` names the vendor simulators' base URLs and the account settings a profile needs for them.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { sandboxGithubOrg } from '../../src/sandbox/github-org.js';
import { npmSandboxAccount } from '../../src/sandbox/npm.js';
import { sandboxProviders, vendorSimulators } from '../../src/sandbox/server.js';
import { sandboxTwilioAccountSid } from '../../src/sandbox/twilio.js';
import { assertBuilt, firstLine, spawnBin } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { basic } from './harness.js';

beforeAll(assertBuilt);

interface Banner {
  base_urls: Record<string, string>;
  settings: Record<string, Record<string, string>>;
  npm_account: { username: string; password: string };
  mux_token: string;
}

describe('the sandbox banner', () => {
  test("-o json: every base URL, the profile settings twilio and github-org need, the npm account, the form of mux's token; the vendors answer there", async () => {
    const env = isolatedEnv({ KEYWARDEN_TOKEN: 'banner-sandbox-token' });
    const sandbox = spawnBin(['sandbox', '--port', '0', '--keys', '3', '-o', 'json'], { env });
    try {
      const banner = JSON.parse(await firstLine(sandbox)) as Banner;
      expect(Object.keys(banner.base_urls).sort()).toEqual([...sandboxProviders].sort());
      expect(banner.settings).toEqual({
        twilio: { account_sid: sandboxTwilioAccountSid },
        'github-org': { org: sandboxGithubOrg },
      });
      expect(banner.npm_account).toEqual(npmSandboxAccount);
      expect(banner.mux_token).toBe('<any id>:<admin token>');
      expect(sandboxTwilioAccountSid).toMatch(/^AC[0-9a-f]{32}$/);

      const whoami = await fetch(`${banner.base_urls.npm}/-/whoami`, {
        headers: { authorization: 'Bearer banner-sandbox-token' },
      });
      expect(await whoami.json()).toEqual({ username: npmSandboxAccount.username });
      const balance = `${banner.base_urls.twilio}/2010-04-01/Accounts/${sandboxTwilioAccountSid}/Balance.json`;
      expect(
        (await fetch(balance, { headers: { authorization: basic(sandboxTwilioAccountSid, 'banner-sandbox-token') } }))
          .status,
      ).toBe(200);
      const grants = await fetch(`${banner.base_urls['github-org']}/orgs/${sandboxGithubOrg}/personal-access-tokens`, {
        headers: { authorization: 'Bearer banner-sandbox-token' },
      });
      expect(await grants.json()).toHaveLength(3);
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exit;
    }
  });

  test('the table banner lists the vendors with the same settings', async () => {
    const sandbox = spawnBin(['sandbox', '--port', '0', '--keys', '1'], { env: isolatedEnv() });
    try {
      for (let waited = 0; !sandbox.stderr().includes('Ctrl-C stops it.') && waited < 10_000; waited += 50)
        await sleep(50);
      const text = sandbox.stderr();
      for (const vendor of vendorSimulators) expect(text).toMatch(new RegExp(`\\n  ${vendor} +http://`));
      expect(text).toContain(
        `profile settings: twilio account_sid=${sandboxTwilioAccountSid}; github-org org=${sandboxGithubOrg}\n`,
      );
      expect(text).toContain(
        `npm account: ${npmSandboxAccount.username}, password ${npmSandboxAccount.password}; mux takes the admin token as <any id>:<admin token>\n`,
      );
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.exit;
    }
  });
});
