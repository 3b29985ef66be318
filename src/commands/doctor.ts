import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Requester } from '../http/client.js';
import { messageOf } from '../errors.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { ProviderError } from '../providers/errors.js';
import { done, type Outcome } from '../outcome.js';
import type { RecordsView } from '../render/present.js';
import { command } from '../command-spec.js';
import { keyringBackend } from '../secrets/store.js';
import { tokenEnvName } from '../secrets/keeper.js';

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
  /** what to do about a failed check */
  fix: string | null;
}

const checksView: RecordsView<Check> = {
  columns: [
    {
      header: '',
      fit: 'fixed',
      cell: (c, s) => ({ text: c.ok ? '✓' : '✗', paint: c.ok ? s.chalk.green : s.chalk.red }),
    },
    { header: 'CHECK', fit: 'truncate', cell: (c, s) => s.plain(c.check) },
    { header: 'RESULT', fit: 'wrap', cell: (c, s) => s.plain(c.fix ? `${c.detail}; ${c.fix}` : c.detail) },
  ],
  empty: 'nothing to check',
  summary: (checks) => {
    const failed = checks.filter((c) => !c.ok).length;
    return failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`;
  },
  line: (c) => [c.ok ? 'ok' : 'fail', c.check, c.detail, c.fix],
  json: (c) => c,
};

/** The clock may differ from the provider's by this much before tokens that carry times start to fail. */
const clockTolerance = 5 * 60_000;
const minimumNode = 20;

const pass = (check: string, detail: string): Check => ({ check, ok: true, detail, fix: null });
const fail = (check: string, detail: string, fix: string): Check => ({ check, ok: false, detail, fix });

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= minimumNode
    ? pass('node', `v${process.versions.node}`)
    : fail('node', `v${process.versions.node} is older than ${minimumNode}`, `install Node.js ${minimumNode} or newer`);
}

/** A folder and the files in it: the user's own, and private, as keywarden writes them. */
function folderChecks(what: string, dir: string, uid: number | undefined): Check[] {
  let folder;
  try {
    folder = statSync(dir);
  } catch {
    return [
      pass(`${what} folder`, `${dir} does not exist yet; keywarden makes it, private, when it first writes there`),
    ];
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  const inspect = (path: string, mode: number, owner: number, expected: number): void => {
    if (uid !== undefined && owner !== uid) {
      problems.push(`${path} belongs to uid ${owner}`);
      fixes.push(`chown ${uid} '${path}'`);
    } else if ((mode & 0o077) !== 0) {
      problems.push(`${path} is ${(mode & 0o777).toString(8).padStart(4, '0')}`);
      fixes.push(`chmod ${expected.toString(8)} '${path}'`);
    }
  };
  inspect(dir, folder.mode, folder.uid, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const status = statSync(path);
    inspect(path, status.mode, status.uid, entry.isDirectory() ? 0o700 : 0o600);
  }
  return problems.length === 0
    ? [pass(`${what} folder`, `${dir}: yours, and private`)]
    : [fail(`${what} folder`, problems.join('; '), fixes.join('; '))];
}

/** The OS keychain; one that cannot be used fails the check only where a profile keeps its secrets there. */
async function keychainCheck(ctx: Context, needed: boolean): Promise<Check> {
  const backend = keyringBackend(ctx.runtime.platform);
  try {
    await ctx.services.keeper.usableStore('keychain');
    return pass('keychain', `${backend}: reachable, and a test entry was written, read back and deleted`);
  } catch (error) {
    const problem = `${backend}: ${(error as Error).message}`;
    if (!needed) return pass('keychain', `${problem}; no profile keeps its secrets there`);
    return fail(
      'keychain',
      problem,
      'keep secrets in the encrypted file instead: keywarden profile set <name> --store file',
    );
  }
}

/** Where the profile's admin token comes from, in the order keywarden looks. */
function tokenSource(ctx: Context, profile: Profile): string {
  if (ctx.env[tokenEnvName(profile.name)]) return tokenEnvName(profile.name);
  if (ctx.env.KEYWARDEN_TOKEN) return 'KEYWARDEN_TOKEN';
  return `the ${profile.store ?? 'keychain'} store`;
}

/** The profile's token, one list request with it, and the clock against the Date of its answer. */
async function profileChecks(ctx: Context, profile: Profile): Promise<Check[]> {
  const name = `profile ${profile.name}`;
  let token: string | undefined;
  try {
    token = await ctx.services.keeper.adminToken(profile);
  } catch (error) {
    return [fail(`${name}: token`, (error as Error).message, `keywarden login --profile ${profile.name}`)];
  }
  if (!token)
    return [
      fail(
        `${name}: token`,
        'no admin token found',
        `keywarden login --profile ${profile.name}, or set ${tokenEnvName(profile.name)}`,
      ),
    ];
  const checks = [pass(`${name}: token`, `from ${tokenSource(ctx, profile)}`)];

  const http = await ctx.services.http();
  let answeredAt: string | undefined;
  const watched: Requester = {
    request: async (req) => {
      const answer = await http.request(req);
      answeredAt ??= answer.headers.date;
      return answer;
    },
  };
  const provider = profile.definition.connect({
    baseUrl: profile.baseUrl,
    token,
    settings: profile.settings,
    http: watched,
    now: () => ctx.now(),
    pageConcurrency: 1,
  });
  const pages = provider.listPages()[Symbol.asyncIterator]();
  try {
    const first = await pages.next();
    const count = first.done ? 0 : first.value.length;
    checks.push(
      pass(
        `${name}: list`,
        `${profile.definition.displayName} at ${profile.baseUrl} answered: ${count} key${count === 1 ? '' : 's'} on the first page`,
      ),
    );
  } catch (error) {
    const auth = error instanceof ProviderError && (error.kind === 'auth' || error.kind === 'forbidden');
    checks.push(
      fail(
        `${name}: list`,
        (error as Error).message,
        auth
          ? `the token from ${tokenSource(ctx, profile)} was refused: keywarden login --profile ${profile.name}`
          : 'check the base URL and the network',
      ),
    );
  } finally {
    await pages.return?.();
  }

  const theirs = answeredAt === undefined ? Number.NaN : Date.parse(answeredAt);
  if (Number.isNaN(theirs)) {
    checks.push(pass(`${name}: clock`, 'not checked: the answer had no Date header'));
  } else {
    const skew = ctx.now().getTime() - theirs;
    const seconds = Math.round(Math.abs(skew) / 1000);
    const said =
      seconds === 0
        ? `the same as ${profile.definition.displayName}'s, to the second`
        : `${seconds} s ${skew >= 0 ? 'ahead of' : 'behind'} ${profile.definition.displayName}'s`;
    checks.push(
      Math.abs(skew) <= clockTolerance
        ? pass(`${name}: clock`, said)
        : fail(`${name}: clock`, said, 'set the clock right (NTP): expiry dates and signed requests depend on it'),
    );
  }
  return checks;
}

/** doctor: what keywarden depends on, one check a line; exit 1 when one fails. */
async function doctor(ctx: Context): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  const uid = ctx.runtime.uid ?? process.getuid?.();
  const problems: Check[] = [];
  const config = await ctx.services.config.load().catch((error: unknown) => {
    problems.push(fail('config file', messageOf(error), 'fix or remove it'));
    return undefined;
  });
  const named = ctx.globals.profile ?? ctx.globals.provider ?? ctx.env.KEYWARDEN_PROFILE;
  let profiles: Profile[] = [];
  if (config) {
    profiles = await (
      named !== undefined
        ? resolveProfile(ctx).then((p) => [p])
        : Object.keys(config.profiles).length > 0
          ? allProfiles(ctx)
          : Promise.resolve([])
    ).catch((error: unknown) => {
      problems.push(fail('profiles', messageOf(error), 'keywarden profile list shows them'));
      return [];
    });
    if (profiles.length === 0 && named === undefined)
      problems.push(pass('profiles', 'none yet: keywarden profile add <name> --provider <id>'));
  }
  // the keychain is where secrets go unless a profile says otherwise
  const keychainNeeded = profiles.length === 0 || profiles.some((p) => (p.store ?? 'keychain') === 'keychain');
  const checks: Check[] = [nodeCheck(), await keychainCheck(ctx, keychainNeeded)];
  checks.push(
    ...folderChecks('config', ctx.dirs.config, uid),
    ...folderChecks('state', ctx.dirs.state, uid),
    ...folderChecks('data', ctx.dirs.data, uid),
    ...problems,
  );
  for (const profile of profiles) checks.push(...(await profileChecks(ctx, profile)));
  await out.rows(checksView, checks);
  return checks.every((c) => c.ok) ? done : { kind: 'unhealthy' };
}

export const doctorCommand = command({
  name: 'doctor',
  group: 'more',
  summary: 'check the keychain, the folders keywarden keeps state in, and each profile',
  description:
    "Checks what keywarden depends on, one line each: the Node.js version; the OS keychain (reachable, writable, which backend); the config, state and data folders and their files (yours, and private: 0700 and 0600); and for each profile (only the one named with --profile or --provider), that an admin token is found, that a list request is answered, and that this machine's clock agrees with the provider's. Exit 1 when a check fails.",
  examples: [
    { note: 'every check', command: 'keywarden doctor' },
    { note: 'as JSON, for a support request', command: 'keywarden doctor -o json' },
  ],
  run: doctor,
});
