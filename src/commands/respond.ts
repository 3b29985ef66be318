import { open } from 'node:fs/promises';
import { command, flag, variadic, type Input } from '../command-spec.js';
import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { reasonOf, UsageError } from '../errors.js';
import { done, partlyFailed, declined, type Outcome } from '../outcome.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { profileKeys } from '../providers/listing.js';
import { builtinProviders } from '../providers/registry.js';
import type { Key, Provider } from '../providers/types.js';
import { inert, safeJson } from '../render/inert.js';
import { describeKey } from '../render/keys.js';
import type { Finding } from '../respond/findings.js';
import { fingerprint, matchLeak, type Inventory } from '../respond/match.js';
import { readFindings, maxInputBytes } from '../respond/readers/index.js';
import {
  respondDocument,
  respondMarkdown,
  respondSarif,
  responsesView,
  summaryLine,
  type Mode,
  type Response,
} from '../respond/report.js';
import type { Secret } from '../secrets/secret.js';
import { revokeAll } from './revoke.js';
import { newJournal, newKeyRequest, planOptions, runRotations } from './rotate.js';
import { deliverOption } from './options.js';
import { forEachProfile } from './profiles-at-once.js';

const args = {
  files: variadic(
    '[files...]',
    'scanner reports (TruffleHog, ggshield, gitleaks, GitHub alerts) or plain text; - is stdin',
    'files',
  ),
};
const options = {
  revoke: flag('--revoke', 'revoke each matched key (asks first unless --yes)'),
  rotate: flag(
    '--rotate',
    'rotate each matched key instead: the new key stored and delivered before the old one is revoked',
  ),
  deliver: deliverOption,
  dryRun: flag('--dry-run', 'show what would be revoked or rotated, change nothing'),
};
type RespondInput = Input<{ arguments: typeof args; options: typeof options }>;

export const respondCommand = command({
  name: 'respond',
  group: 'keys',
  summary: 'match leaked secrets from a scanner report to your keys, and revoke or rotate them',
  description:
    'Reads what a secret scanner found (TruffleHog --json, ggshield --json, a gitleaks JSON report, GitHub secret-scanning alerts, or one secret a line) and matches each secret to a key of your profiles (every configured profile, or the one given), without sending the secret anywhere: by a secret keywarden stored, the key id a secret carries, or the prefix and last characters a listing shows. Each finding is matched, ambiguous, not ours (no provider of your profiles issues that shape) or unknown. --revoke revokes the matched keys; --rotate gives each a new key first. Secrets are read from files or stdin, never from the command line, and shown only as a fingerprint. Without --revoke or --rotate, or with --dry-run, exit 3 says a leaked key is still active.',
  arguments: args,
  options,
  examples: [
    {
      note: 'which of your keys a scanner found leaked (trufflehog ... --json, gitleaks ... --report-format json)',
      command: 'keywarden respond leaks.json',
      exits: 3,
    },
    { note: 'the keys it would revoke', command: 'keywarden respond leaks.json --revoke --dry-run', exits: 3 },
    {
      note: 'rotate each leaked key: the new one delivered before the old one dies',
      command: 'keywarden respond leaks.json --rotate --deliver ./update-secret.sh --yes',
    },
  ],
  run: respond,
});

/** The reports, read whole: a file or stdin, at most maxInputBytes each. */
async function readReports(ctx: Context, files: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (files.filter((file) => file === '-').length > 1) throw new UsageError('- (stdin) can be read once');
  for (const file of files) {
    const text = file === '-' ? await readStdin(ctx) : await readReport(file);
    for (const finding of readFindings(text, file).findings) {
      // a leaked secret is one more that no output may show, whatever carries it there
      if (finding.leaked.kind === 'whole') ctx.services.keeper.taint(finding.leaked.secret.expose());
      findings.push(finding);
    }
  }
  return findings;
}

async function readStdin(ctx: Context): Promise<string> {
  const { stdin } = ctx.runtime.streams;
  if (stdin.isTTY)
    throw new UsageError(
      '- reads a report from stdin, which is a terminal',
      'pipe it: scanner ... | keywarden respond -',
    );
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > maxInputBytes)
      throw new UsageError(`stdin: more than ${maxInputBytes / 1024 / 1024} MiB; refusing to read on`);
  }
  return text;
}

/**
 * Whether a command-line argument may be a secret rather than a path: a provider's shape, or a long run of letters and
 * digits with nothing of a file name. It is then never repeated back, since the terminal and logs would show it.
 */
function mayBeSecret(argument: string): boolean {
  const shapes = builtinProviders().flatMap((definition) => definition.secretFormat?.pattern ?? []);
  if (shapes.some((pattern) => pattern.test(argument))) return true;
  return (
    argument.length >= 16 &&
    !/[/\\]/.test(argument) &&
    !/\.(json|jsonl|txt|log|sarif)$/i.test(argument) &&
    /\d/.test(argument)
  );
}

async function readReport(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (mayBeSecret(file))
      throw new UsageError(
        'respond reads secrets from report files or stdin, never from the command line; this argument is not a file',
        'if it was a secret, it is in your shell history now: treat it as leaked too, and pipe it: keywarden respond - < file',
      );
    throw new UsageError(`cannot read ${inert(file)}: ${reasonOf(error)}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxInputBytes)
      throw new UsageError(`${inert(file)}: more than ${maxInputBytes / 1024 / 1024} MiB; refusing to read it`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

interface ProfileInventory extends Inventory {
  connection: Provider;
  definition: Profile;
}

/** The keys of each profile, every status, and which of them keywarden keeps a secret for. */
async function inventories(ctx: Context, profiles: Profile[]): Promise<{ found: ProfileInventory[]; failed: number }> {
  const found: ProfileInventory[] = [];
  const { keeper } = ctx.services;
  let warned = false;
  const { failures } = await forEachProfile(ctx, profiles, async (profile) => {
    const connection = await connect(ctx, profile);
    const keys = await profileKeys(connection, profile.name);
    const storedKeyIds = await keeper.storedKeyIds(profile.name);
    const read = new Map<string, Promise<Secret | undefined>>();
    found.push({
      profile: profile.name,
      provider: profile.definition,
      keys,
      storedKeyIds,
      connection,
      definition: profile,
      storedSecret: (keyId) => {
        let secret = read.get(keyId);
        if (!secret) {
          secret = keeper.storedSecret(profile.name, keyId).catch((error: unknown) => {
            if (!warned)
              ctx.note(
                `keywarden: warning: stored secrets cannot be read, so they are not compared: ${reasonOf(error)}`,
              );
            warned = true;
            return undefined;
          });
          read.set(keyId, secret);
        }
        return secret;
      },
    });
  });
  found.sort(
    (a, b) => profiles.findIndex((p) => p.name === a.profile) - profiles.findIndex((p) => p.name === b.profile),
  );
  return { found, failed: failures.length };
}

/** respond: findings read, matched to keys, and the matched keys revoked or rotated, each outcome reported. */
async function respond(ctx: Context, { files, ...options }: RespondInput): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json', 'markdown', 'sarif'] as const);
  if (options.revoke && options.rotate) throw new UsageError('--revoke and --rotate cannot be used together');
  if (options.deliver !== undefined && !options.rotate) throw new UsageError('--deliver goes with --rotate');
  if (files.length === 0)
    throw new UsageError(
      'name the scanner reports to read, or - for stdin',
      'trufflehog git file://. --json | keywarden respond -',
    );
  const mode: Mode = options.revoke ? 'revoke' : options.rotate ? 'rotate' : 'report';
  const findings = await readReports(ctx, files);
  const profiles =
    ctx.globals.profile !== undefined || ctx.globals.provider !== undefined || !(await hasProfiles(ctx))
      ? [await resolveProfile(ctx)]
      : await allProfiles(ctx);
  const { found, failed } = await inventories(ctx, profiles);

  const responses: Response[] = [];
  for (const finding of findings) {
    const verdict = await matchLeak(finding.leaked, found);
    responses.push({
      finding,
      fingerprint: fingerprint(finding.leaked, found),
      verdict,
      action: 'none',
      error: null,
      rotation: null,
    });
  }
  const targets = keysToHandle(responses);
  let outcome: Outcome = done;
  if (mode !== 'report' && targets.length > 0) {
    if (options.dryRun) {
      const action = mode === 'revoke' ? 'would revoke' : 'would rotate';
      applyOutcomes(responses, new Map(targets.map((key) => [keyRef(key), { action }])));
    } else outcome = await handle(ctx, mode, options, targets, found, responses);
  }
  for (const r of responses)
    if (r.verdict.result === 'matched' && r.verdict.key.status === 'revoked' && r.action === 'none')
      r.action = 'already revoked';

  if (out.format === 'json') await out.document(respondDocument(responses, mode, options.dryRun === true));
  else if (out.format === 'markdown') await out.text(respondMarkdown(responses, mode, options.dryRun === true));
  else if (out.format === 'sarif') await out.text(`${safeJson(respondSarif(responses), 2)}\n`);
  else {
    await out.rows(responsesView, responses);
    if (!out.forPerson) ctx.note(summaryLine(responses));
  }
  if (failed > 0 || outcome !== done) return outcome === done ? partlyFailed : outcome;
  // a leaked key that is still active after the run: what a CI step should fail on
  const live = responses.some(
    (r) =>
      r.verdict.result === 'matched' &&
      r.verdict.key.status !== 'revoked' &&
      r.action !== 'revoked' &&
      r.action !== 'rotated',
  );
  return live ? { kind: 'findings' } : done;
}

async function hasProfiles(ctx: Context): Promise<boolean> {
  return Object.keys((await ctx.services.config.load()).profiles).length > 0;
}

/** A key across profiles: its profile and its id. */
const refOf = (profile: string, id: string): string => `${profile}/${id}`;
const keyRef = (key: Key): string => refOf(key.profile, key.id);

/** The keys matched and not revoked yet, each once, in the order their findings came. */
function keysToHandle(responses: readonly Response[]): Key[] {
  const keys = new Map<string, Key>();
  for (const r of responses)
    if (r.verdict.result === 'matched' && r.verdict.key.status !== 'revoked')
      keys.set(keyRef(r.verdict.key), r.verdict.key);
  return [...keys.values()];
}

/** What became of a matched key: its action, with why it failed and its rotation where there are. */
type KeyOutcome = Pick<Response, 'action'> & Partial<Pick<Response, 'error' | 'rotation'>>;

/** Each matched finding takes the outcome of its key. */
function applyOutcomes(responses: Response[], outcomes: ReadonlyMap<string, KeyOutcome>): void {
  for (const r of responses) {
    const outcome = r.verdict.result === 'matched' ? outcomes.get(keyRef(r.verdict.key)) : undefined;
    if (outcome) Object.assign(r, outcome);
  }
}

/** Revokes or rotates the matched keys, profile by profile, after one confirmation for all of them. */
async function handle(
  ctx: Context,
  mode: 'revoke' | 'rotate',
  options: Omit<RespondInput, 'files'>,
  targets: Key[],
  found: ProfileInventory[],
  responses: Response[],
): Promise<Outcome> {
  const byProfile = found
    .map((inventory) => ({ inventory, keys: targets.filter((key) => key.profile === inventory.profile) }))
    .filter((group) => group.keys.length > 0);
  const plans =
    mode === 'rotate'
      ? byProfile.map(({ inventory }) => planOptions(inventory.definition, { deliver: options.deliver }))
      : [];
  if (ctx.interactive && !ctx.globals.yes) {
    ctx.note(`About to ${mode} ${targets.length} leaked key${targets.length === 1 ? '' : 's'}:`);
    for (const key of targets) ctx.note(`  ${key.profile}: ${describeKey(key)}`);
  }
  const them = targets.length === 1 ? 'this key' : `these ${targets.length} keys`;
  const question =
    mode === 'revoke'
      ? `Revoke ${them}? Anything using ${targets.length === 1 ? 'it' : 'them'} stops working at once.`
      : `Rotate ${them}? Each old key is revoked once its new key is stored${options.deliver ? ' and delivered' : ''}.`;
  if (!(await ctx.confirm(question))) {
    applyOutcomes(responses, new Map(targets.map((key) => [keyRef(key), { action: 'not confirmed' }])));
    ctx.note(`keywarden: not confirmed; nothing was ${mode === 'revoke' ? 'revoked' : 'rotated'}`);
    return declined;
  }
  const outcomes = new Map<string, KeyOutcome>();
  for (const [i, { inventory, keys }] of byProfile.entries()) {
    if (mode === 'revoke') {
      const { revoked, failed } = await revokeAll(ctx, inventory.connection, keys);
      for (const key of revoked) outcomes.set(keyRef(key), { action: 'revoked' });
      for (const failure of failed)
        outcomes.set(refOf(inventory.profile, failure.id), { action: 'failed', error: failure.error });
      continue;
    }
    const now = ctx.now();
    const journals = keys.map((old) =>
      newJournal(inventory.definition, old, newKeyRequest(old, inventory.provider, undefined, now), plans[i]!, now),
    );
    const { finished, failed } = await runRotations(ctx, inventory.connection, journals, false);
    for (const journal of finished) {
      const rotation = { id: journal.id, new_key_id: journal.new?.id ?? null };
      outcomes.set(
        refOf(inventory.profile, journal.old.id),
        journal.old_revoked
          ? { action: 'rotated', rotation }
          : { action: 'failed', error: 'the new key is in place; the old one was not revoked', rotation },
      );
    }
    for (const failure of failed)
      outcomes.set(refOf(inventory.profile, failure.key_id), {
        action: 'failed',
        error: failure.error,
        rotation: { id: failure.rotation_id, new_key_id: null },
      });
  }
  applyOutcomes(responses, outcomes);
  return [...outcomes.values()].some((outcome) => outcome.action === 'failed') ? partlyFailed : done;
}
