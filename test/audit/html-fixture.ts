import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { useSandbox } from '../helpers/sandbox.js';
import { environmentWithProfiles, runAudit, simulatorProfiles } from './harness.js';
import { now } from './keys.js';
import { seedAuditScenario } from './scenario.js';

/** A key name that would run in the page if it were not escaped. */
export const hostileName = '<script>document.title="owned"</script><img src=x onerror=alert(1)>';

/**
 * The audit scenario over every provider, plus a profile whose token is refused, a key with a hostile name, and a
 * policy with a waiver: `audit --all-profiles` of it as HTML and as JSON, on the test clock. Call at a file's top.
 */
export function htmlReport(): { readonly html: string; readonly json: { findings: { key_id: string }[] } } {
  const sandbox = useSandbox({ keys: 0, now: () => now.getTime() });
  let html = '';
  let json = { findings: [] as { key_id: string }[] };
  beforeAll(async () => {
    seedAuditScenario(sandbox.current);
    const dialnexa = sandbox.current.accounts.dialnexa;
    const hostile = dialnexa.create({ name: hostileName });
    hostile.createdAt = now.getTime() - 200 * 86_400_000;
    const profiles = simulatorProfiles(sandbox.current);
    const env = await environmentWithProfiles(
      { ...profiles, broken: { provider: 'dakota', base_url: sandbox.current.baseUrl('dakota') } },
      { KEYWARDEN_TOKEN: sandbox.current.token, KEYWARDEN_TOKEN_BROKEN: 'not-the-admin-token' },
    );
    const policy = join(mkdtempSync(join(tmpdir(), 'kw-html-')), 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        ignore: [
          { key_id: 'key_billingworker', rule: 'max-age', reason: 'retired next sprint', expires: '2025-07-01' },
        ],
      }),
    );
    const audit = (output: string) => runAudit({ allProfiles: true, policy }, { env, now, globals: { output } });
    html = (await audit('html')).stdout;
    json = JSON.parse((await audit('json')).stdout);
  });
  return {
    get html() {
      return html;
    },
    get json() {
      return json;
    },
  };
}
