// No secret the sandbox issued is in any report keywarden writes: `list` and `audit` in every format each offers
// (whatever formats they offer, so a format added later is covered as it lands), on a terminal and in a pipe, over
// every built-in provider at once, after keys were made through `create`.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import { outputFormats } from '../../src/render/format.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';
import { tokenEnvName } from '../../src/secrets/keeper.js';
import { expectations } from '../conformance/expectations.js';
import { isolatedEnv, runCli, type RunResult } from '../helpers/cli.js';
import { secretFinder } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

const sandbox = useSandbox({ keys: 3, seed: 'report-secrets' });
const providers = builtinIds() as SandboxProviderId[];
/** the providers whose keys can be made through `create` */
const creatable = providers.filter((p) => expectations[p].fullCreate !== undefined);
const home = isolatedEnv();
const env = (): Record<string, string | undefined> => ({
  ...home,
  KEYWARDEN_NPM_PASSWORD: expectations.npm.credentials!.password,
  ...Object.fromEntries(
    providers.map((p) => [tokenEnvName(p), (expectations[p].adminToken ?? ((t: string) => t))(sandbox.current.token)]),
  ),
});
const cli = (argv: string[], tty = false): Promise<RunResult> => runCli(argv, { env: env(), tty });

/** what was issued and seen so far: a provider that deletes a revoked key forgets its secret, this does not */
const issued = new Set<string>();

/**
 * Every secret of every key of every sandbox account, earlier ones still in their grace period too, every one issued
 * before (revoked and deleted since), and the token.
 */
function everySecret(): string[] {
  return [
    sandbox.current.token,
    ...issued,
    ...Object.values(sandbox.current.accounts).flatMap((account) =>
      account.keys.flatMap((key) => [key.secret, ...(key.retiredSecrets ?? []).map((s) => s.secret)]),
    ),
  ];
}

const refusal = (format: string): string => `keywarden: -o ${format}: not a format of this command`;

/** The formats a command accepts: each the presenter does not refuse with exit 2 and "not a format of this command". */
async function offered(command: string[]): Promise<string[]> {
  const accepted: string[] = [];
  const hinted = new Set<string>();
  for (const format of outputFormats) {
    const run = await cli([...command, '-o', format]);
    if (run.code === 2 && run.stderr.split('\n')[0] === refusal(format)) {
      // the hint names the formats it does take
      const named = /\nhint: formats: ([a-z, ]+)\n/.exec(run.stderr)?.[1];
      expect(named, run.stderr).toBeDefined();
      hinted.add(named!);
      continue;
    }
    expect(run.code, `${command.join(' ')} -o ${format}: ${run.stderr}`).toBe(0);
    accepted.push(format);
  }
  // what the refusals name is what was accepted
  expect([...hinted].map((named) => named.split(', ').sort())).toEqual(hinted.size === 0 ? [] : [[...accepted].sort()]);
  return accepted;
}

const formats: Record<'list' | 'audit', string[]> = { list: [], audit: [] };

beforeAll(async () => {
  for (const provider of providers) {
    const sets = Object.entries(expectations[provider].settings ?? {}).flatMap(([n, v]) => ['--set', `${n}=${v}`]);
    const base = ['--provider', provider, '--base-url', sandbox.current.baseUrl(provider)];
    const added = await cli([...base, 'profile', 'add', provider, ...sets]);
    expect(added.code, added.stderr).toBe(0);
  }
  formats.list = await offered(['list', '--all-profiles']);
  formats.audit = await offered(['audit', '--all-profiles']);
}, 60_000);

describe('no issued secret in any report', () => {
  test('list and audit offer at least the formats the README documents', () => {
    expect(formats.list).toEqual(expect.arrayContaining(['table', 'json', 'ndjson', 'csv', 'cyclonedx']));
    expect(formats.audit).toEqual(expect.arrayContaining(['table', 'json', 'csv', 'markdown', 'sarif', 'cyclonedx']));
  });

  test('keys made through create, then list and audit in every format they offer', async () => {
    // names any provider takes; one may begin with '-', so it goes after --
    const name = fc.stringMatching(/^[A-Za-z0-9 _.-]{1,24}$/).filter((s) => s.trim() !== '');
    const listOptions = fc.record({
      status: fc.constantFrom([], ['--status', 'all'], ['--status', 'revoked'], ['--status', 'expired']),
      sort: fc.constantFrom([], ['--sort', 'created'], ['--sort', 'name'], ['--sort', 'last-used']),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...creatable),
        name,
        listOptions,
        fc.boolean(),
        async (provider, keyName, list, revokeIt) => {
          const created = await cli(['-p', provider, 'create', '-o', 'json', '--', keyName]);
          expect(created.code, created.stderr).toBe(0);
          const id = (JSON.parse(created.stdout) as { key: { id: string } }).key.id;
          const secret = sandbox.current.accounts[provider].find(id)?.secret;
          expect(secret).toBeDefined();
          issued.add(secret!);
          // a revoked key's secret is still never shown, as `list --status revoked` lists it
          if (revokeIt) expect((await cli(['-p', provider, 'revoke', '--yes', '--', id])).code).toBe(0);

          const secrets = everySecret();
          expect(secrets).toContain(secret);
          const holdsSecret = secretFinder(secrets);
          expect(holdsSecret(`"${secret!}"`)).toBe(true);
          const runs: [what: string, argv: string[], tty: boolean][] = [
            ...formats.list.map((f): [string, string[], boolean] => [
              `list -o ${f}`,
              ['list', '--all-profiles', ...list.status, ...list.sort, '-o', f],
              false,
            ]),
            ...formats.audit.map((f): [string, string[], boolean] => [
              `audit -o ${f}`,
              ['audit', '--all-profiles', '-o', f],
              false,
            ]),
            // a table on a terminal is laid out another way than the lines in a pipe
            ['list on a terminal', ['list', '--all-profiles', '--wide', ...list.status], true],
            ['audit on a terminal', ['audit', '--all-profiles', '--wide'], true],
          ];
          const shown = new Map<string, string>();
          for (const [what, argv, tty] of runs) {
            const { code, stdout, stderr } = await cli(argv, tty);
            expect(code, `${what}: ${stderr}`).toBe(0);
            expect(holdsSecret(stdout), `${what}: a secret on stdout`).toBe(false);
            expect(holdsSecret(stderr), `${what}: a secret on stderr`).toBe(false);
            shown.set(what, stdout);
          }
          // the new key is in the reports that list it
          if (!revokeIt && list.status.length === 0) {
            expect(shown.get('list -o json')).toContain(`"id": ${JSON.stringify(id)}`);
            expect(shown.get('list -o cyclonedx')).toContain(`"id": ${JSON.stringify(id)}`);
            expect(shown.get('audit -o cyclonedx')).toContain(`"id": ${JSON.stringify(id)}`);
          }
        },
      ),
      { numRuns: 8 },
    );
  }, 180_000);
});
