import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { connect, createCredentials } from '../credentials.js';
import { UsageError } from '../errors.js';
import { makeProfile, resolveProfile, type Profile } from '../profiles.js';
import { profileKeys } from '../providers/listing.js';
import type { CreateRequest, Key, Provider, ProviderInfo } from '../providers/types.js';
import { inert, tsvField } from '../render/inert.js';
import type { Presenter } from '../render/present.js';
import { newRotationId, JournalStore, type Journal, type RotationPlan } from '../rotation/journal.js';
import { passed, RotationFailed, RotationRunner, type RotationDeps } from '../rotation/runner.js';
import { keyAccount, type SecretStore } from '../secrets/store.js';
import { formatDuration, parseDuration } from '../util/time.js';
import { describeKey } from '../render/keys.js';
import { done, declined, partlyFailed, type Outcome } from '../outcome.js';
import { deliverOption } from './options.js';
import { olderThan, resolveKeyReference } from './select-keys.js';
import { choice, command, flag, optional, optionalValue, text, type Input } from '../command-spec.js';

const args = { reference: optional('[key]', 'the key to rotate: id, unique id prefix or unique name', 'keys') };
const options = {
  deliver: deliverOption,
  verifyUse: optionalValue(
    '--verify-use [timeout]',
    'wait until the new key is used before revoking the old one (default 10m)',
  ),
  grace: text('--grace <duration>', 'wait this long before revoking the old key'),
  keepOld: flag('--keep-old', 'do not revoke the old key'),
  name: text('--name <name>', 'the name of the new key (default: the old key name)'),
  store: choice('--store <store>', 'where the new secret goes: keychain (default) or file', [
    'keychain',
    'file',
    'none',
  ] as const),
  olderThan: text('--older-than <duration>', 'rotate every key older than this, one journal each'),
  resume: optionalValue('--resume [id]', 'finish an interrupted rotation; without an id, the only unfinished one'),
  list: flag('--list', 'the rotations on record, newest first, with the step each is at'),
  abort: text('--abort <id>', 'end an unfinished rotation: an undelivered new key is revoked, the old key left'),
  dryRun: flag('--dry-run', 'show the plan, change nothing'),
};
type RotateInput = Input<{ arguments: typeof args; options: typeof options }>;
export type RotateOptions = Omit<RotateInput, 'reference'>;

export const rotateCommand = command({
  name: 'rotate',
  group: 'keys',
  summary: 'a new key, stored and delivered, then the old one revoked; journaled and resumable',
  description:
    'Creates a key like the old one, stores its secret, runs --deliver, waits for --verify-use and --grace, then revokes the old key. Each step is journaled before the next begins, so an interrupted rotation is finished with --resume and never leaves the old key revoked before the new one works.',
  arguments: args,
  options,
  examples: [
    { note: 'the steps a rotation would take', command: 'keywarden rotate "Billing worker" --dry-run' },
    {
      note: 'deliver the new key, wait until it is used, then revoke the old one',
      command: 'keywarden rotate "Billing worker" --deliver ./update-secret.sh --verify-use 5m --yes',
    },
    {
      note: 'every key older than 90 days, the old ones left for you to retire',
      command: 'keywarden rotate --older-than 90d --keep-old --yes',
    },
    { note: 'the rotations on record', command: 'keywarden rotate --list' },
  ],
  run: rotate,
});

const defaultVerifyTimeout = '10m';

/** The new key copies what the provider lets it copy: name, scopes, environment, allowlist, principal, expiry length. */
export function newKeyRequest(old: Key, provider: ProviderInfo, name: string | undefined, now: Date): CreateRequest {
  const { capabilities } = provider;
  const request: CreateRequest = { name: name ?? old.name ?? `rotation of ${old.id}` };
  if (capabilities.scopes && old.scopes.length > 0) request.scopes = old.scopes;
  if (capabilities.environments && old.environment) request.environment = old.environment;
  if (capabilities.ipAllowlist && old.ip_allowlist && old.ip_allowlist.length > 0)
    request.ipAllowlist = old.ip_allowlist;
  if (capabilities.principal && old.owner) request.principal = old.owner;
  if (capabilities.expiry && old.expires_at && old.created_at) {
    const lifetime = Date.parse(old.expires_at) - Date.parse(old.created_at);
    if (lifetime > 0) request.expiresAt = new Date(now.getTime() + lifetime).toISOString();
  }
  if (capabilities.idempotentCreate) request.idempotencyKey = randomUUID();
  return request;
}

export function planOptions(
  profile: Profile,
  options: Pick<RotateOptions, 'store' | 'deliver' | 'verifyUse' | 'keepOld' | 'grace'>,
): Omit<RotationPlan, 'request'> {
  const store = options.store ?? profile.store ?? 'keychain';
  if (store === 'none') {
    throw new UsageError(
      'rotate keeps the new secret in a secret store, so that an interrupted rotation can be finished',
      'use --store keychain or --store file',
    );
  }
  if (options.deliver !== undefined && options.deliver.trim() === '')
    throw new UsageError('--deliver: the command is empty');
  const { capabilities, id } = profile.definition;
  const native = capabilities.nativeRotate;
  const verify =
    options.verifyUse === undefined
      ? null
      : parseDuration(options.verifyUse === true ? defaultVerifyTimeout : options.verifyUse, '--verify-use');
  if (verify !== null && !capabilities.usageTracking) {
    throw new UsageError(
      `${id} does not report when a key was last used, so --verify-use cannot work`,
      'drop --verify-use, and consider --grace to leave time for the switch',
    );
  }
  if (native && verify !== null) {
    throw new UsageError(
      `${id} gives the key a new secret under the same id, so its last use cannot tell the new secret from the old one; --verify-use cannot work`,
      'use --grace to leave time for the switch',
    );
  }
  if (native && options.keepOld)
    throw new UsageError(
      `${id}'s own rotate ends the old secret; --keep-old cannot keep it`,
      'use --grace to keep the old secret working for a while',
    );
  if (!native && !capabilities.create)
    throw new UsageError(
      `${profile.definition.displayName} (${id}) cannot create keys through its API, so keywarden cannot rotate them`,
    );
  if (!native && !capabilities.revoke && !options.keepOld) {
    throw new UsageError(
      `${profile.definition.displayName} (${id}) cannot revoke keys through its API`,
      'rotate with --keep-old, then retire the old key by hand',
    );
  }
  return {
    store,
    deliver: options.deliver ?? null,
    verify_use_ms: verify,
    grace_ms: options.grace === undefined ? null : parseDuration(options.grace, '--grace'),
    keep_old: options.keepOld === true,
    native,
  };
}

export function describePlan(
  journal: Pick<Journal, 'old' | 'plan' | 'profile' | 'provider'>,
  storeLocation: string,
): string[] {
  const { plan, old } = journal;
  const { request } = plan;
  const properties = [
    request.scopes && `scopes ${request.scopes.join(',')}`,
    request.environment && `environment ${request.environment}`,
    request.ipAllowlist && `allowlist ${request.ipAllowlist.join(',')}`,
    request.principal && `principal ${request.principal}`,
    request.expiresAt && `expires ${request.expiresAt}`,
  ].filter(Boolean);
  const lines = [
    `create a new key "${request.name}"${properties.length ? ` (${properties.join('; ')})` : ''}`,
    `store its secret in ${storeLocation}`,
  ];
  if (plan.deliver) lines.push(`deliver it: ${plan.deliver}`);
  if (plan.verify_use_ms !== null)
    lines.push(`wait until the new key is used, up to ${formatDuration(plan.verify_use_ms)}`);
  if (plan.grace_ms !== null) lines.push(`wait ${formatDuration(plan.grace_ms)} before revoking`);
  lines.push(plan.keep_old ? `keep ${old.id} active (--keep-old)` : `revoke ${old.id} and delete its stored secret`);
  return [
    `rotate ${describeKey(old)} on profile ${journal.profile} (${journal.provider}):`,
    ...lines.map((line, i) => `  ${i + 1}. ${inert(line)}`),
  ];
}

function resultDoc(journal: Journal, store: SecretStore) {
  return {
    rotation_id: journal.id,
    old: journal.old,
    new: journal.new,
    stored: journal.new ? store.location(keyAccount(journal.profile, journal.new.id)) : null,
    delivered: journal.done.deliver !== undefined,
    verified_use: journal.plan.verify_use_ms === null ? null : journal.verified_use === true,
    old_revoked: journal.old_revoked,
  };
}

/** rotate: new key, stored, delivered, verified in use, old one revoked; journaled, resumable; or --resume, or bulk --older-than. */
async function rotate(ctx: Context, { reference, ...options }: RotateInput): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  ctx.checkPrivateState();
  const journals = rotationJournals(ctx);
  const modes = [
    options.resume !== undefined && '--resume',
    options.list && '--list',
    options.abort !== undefined && '--abort',
  ].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be used together`);
  if (modes.length === 1 && reference !== undefined)
    throw new UsageError(`${modes[0]} takes no key`, 'keywarden rotate --list shows the rotations and their ids');
  if (options.list) return (await import('./rotations.js')).listRotations(journals, out);
  if (options.abort !== undefined)
    return (await import('./rotations.js')).abortRotation(ctx, journals, options.abort, out);
  if (options.resume !== undefined)
    return resume(ctx, journals, options.resume === true ? undefined : options.resume, options, out);
  if (reference !== undefined && options.olderThan !== undefined)
    throw new UsageError('name one key or use --older-than, not both');
  if (reference === undefined && options.olderThan === undefined)
    throw new UsageError('name the key to rotate, or choose keys with --older-than DUR');

  const profile = await resolveProfile(ctx);
  const settings = planOptions(profile, options);
  const provider = await connect(ctx, profile);
  const keys = await profileKeys(provider, profile.name);
  const targets =
    reference !== undefined
      ? [resolveKeyReference(reference, keys)]
      : keys.filter(olderThan(parseDuration(options.olderThan!, '--older-than'), ctx.now()));
  for (const key of targets)
    if (key.status === 'revoked') throw new UsageError(`${key.id} is revoked; there is nothing to rotate`);
  if (options.name !== undefined && targets.length > 1)
    throw new UsageError('--name renames one key; it cannot be used with --older-than');

  const now = ctx.now();
  const journalsToRun = targets.map((old) =>
    newJournal(profile, old, newKeyRequest(old, profile.definition, options.name, now), settings, now),
  );

  if (journalsToRun.length === 0) {
    await out.document({ rotations: [], failed: [] });
    ctx.note('no key matches; nothing to rotate');
    return done;
  }
  const where = `${settings.store}:keywarden/${profile.name}/<new id>`;
  const planLines = journalsToRun.flatMap((journal) => describePlan(journal, where));
  if (options.dryRun) {
    await out.document(
      { dry_run: true, rotations: journalsToRun.map((j) => ({ old: j.old, plan: j.plan })) },
      planLines,
    );
    return done;
  }
  if (ctx.interactive && !ctx.globals.yes) for (const line of planLines) ctx.note(line);
  const destructive = !settings.keep_old;
  if (
    destructive &&
    !(await ctx.confirm(journalsToRun.length === 1 ? 'Rotate this key?' : `Rotate these ${journalsToRun.length} keys?`))
  ) {
    ctx.note('keywarden: not confirmed; nothing was rotated');
    return declined;
  }

  const single = reference !== undefined;
  const { finished, failed, store } = await runRotations(ctx, provider, journalsToRun, single);
  await report(ctx, out, finished, failed, store, single);
  return failed.length > 0 ? partlyFailed : done;
}

/** A rotation of one key, not yet begun. */
export function newJournal(
  profile: Profile,
  old: Key,
  request: CreateRequest,
  settings: Omit<RotationPlan, 'request'>,
  now: Date,
): Journal {
  return {
    version: 1,
    id: newRotationId(now),
    profile: profile.name,
    provider: profile.definition.id,
    provider_ref: profile.provider,
    base_url: profile.baseUrl,
    started_at: now.toISOString(),
    old,
    plan: { request, ...settings },
    done: {},
    create_started_at: null,
    new: null,
    grace_until: null,
    orphans: [],
    verified_use: null,
    old_revoked: false,
    finished_at: null,
    last_error: null,
  };
}

export interface RotationFailure {
  key_id: string;
  rotation_id: string;
  error: string;
}

/**
 * Rotations of one profile's keys, one after another, each journaled before it begins. With several, one that
 * fails is reported and the others go on; a single one's failure is the command's.
 */
export async function runRotations(
  ctx: Context,
  provider: Provider,
  toRun: readonly Journal[],
  single: boolean,
): Promise<{ finished: Journal[]; failed: RotationFailure[]; store: SecretStore }> {
  const plan = toRun[0]!.plan;
  const store = await ctx.services.keeper.usableStore(plan.store);
  // a provider is its own definition: what a create needs besides the token is declared on it
  const credentials = plan.native ? {} : await createCredentials(ctx, provider);
  const journals = rotationJournals(ctx);
  const finished: Journal[] = [];
  const failed: RotationFailure[] = [];
  for (const journal of toRun) {
    journal.done.preflight = ctx.now().toISOString();
    await journals.begin(journal);
    passed('after-preflight', journal.id);
    try {
      finished.push(await runOne(ctx, { provider, store, journals, credentials }, journal));
    } catch (error) {
      if (single || !(error instanceof RotationFailed)) throw error;
      ctx.note(`keywarden: ${error.message}`);
      failed.push({ key_id: journal.old.id, rotation_id: journal.id, error: error.message });
    }
  }
  return { finished, failed, store };
}

async function runOne(ctx: Context, deps: Omit<RotationDeps, 'ctx' | 'progress'>, journal: Journal): Promise<Journal> {
  // a message is shown inert, colour codes too: the same mark as the results', uncoloured
  const tick = ctx.runtime.streams.stderr.isTTY ? '✓' : '-';
  ctx.note(`rotation ${journal.id}: ${describeKey(journal.old)}`);
  const runner = new RotationRunner({ ...deps, ctx, progress: (line) => ctx.note(`  ${tick} ${line}`) }, journal);
  return runner.run();
}

async function report(
  ctx: Context,
  out: Presenter<'table' | 'json'>,
  finished: Journal[],
  failed: RotationFailure[],
  store: SecretStore,
  single: boolean,
): Promise<void> {
  if (!single) ctx.note(`${finished.length} rotated, ${failed.length} failed`);
  const docs = finished.map((j) => resultDoc(j, store));
  const oldFate = (j: Journal): string =>
    j.old_revoked ? 'old revoked' : j.plan.native && !j.plan.keep_old ? `old secret ends ${j.grace_until}` : 'old kept';
  const style = await ctx.style();
  const lines = finished.map((j) =>
    out.forPerson
      ? `${style.tick} rotated ${describeKey(j.old)} -> ${inert(j.new!.id)} (${oldFate(j)})`
      : ['rotated', j.old.id, j.new!.id, oldFate(j)].map(tsvField).join('\t'),
  );
  await out.document(single ? docs[0] : { rotations: docs, failed }, lines);
}

/** The journals of this machine's rotations, in the state dir. */
export function rotationJournals(ctx: Context): JournalStore {
  return new JournalStore(join(ctx.dirs.state, 'rotations'), { files: ctx.files, redact: (text) => ctx.redact(text) });
}

/**
 * A --deliver command runs a program with a live secret: on resume it comes from the command line, or the person
 * confirms the one in the journal (--yes without a terminal), never from a file alone.
 */
async function confirmDeliver(
  ctx: Context,
  journals: JournalStore,
  journal: Journal,
  given: string | undefined,
): Promise<boolean> {
  if (journal.plan.deliver === null || journal.done.deliver !== undefined) return true;
  if (given !== undefined) {
    if (given.trim() === '') throw new UsageError('--deliver: the command is empty');
    journal.plan.deliver = given;
    await journals.save(journal);
    return true;
  }
  if (ctx.interactive && !ctx.globals.yes)
    ctx.note(`the rotation will run the --deliver command its journal holds: ${journal.plan.deliver}`);
  return ctx.confirm('Run it with the new secret?');
}

async function resume(
  ctx: Context,
  journals: JournalStore,
  id: string | undefined,
  options: RotateOptions,
  out: Presenter<'table' | 'json'>,
): Promise<Outcome> {
  if (id === undefined) {
    const open = await journals.unfinished();
    if (open.length === 0) {
      ctx.note('no unfinished rotation');
      return done;
    }
    if (open.length > 1) {
      await out.rows((await import('./rotations.js')).rotationsView, open);
      throw new UsageError(`${open.length} rotations are unfinished`, 'resume one: keywarden rotate --resume <id>');
    }
    id = open[0]!.id;
  }
  const journal = await journals.load(id);
  if (journal.aborted_at)
    throw new UsageError(
      `rotation ${journal.id} was aborted at ${journal.aborted_at}; there is nothing to resume`,
      `start a new one: keywarden --profile ${journal.profile} rotate ${journal.old.id}`,
    );
  const profile = await makeProfile(ctx, journal.profile, journal.provider_ref, {
    baseUrl: journal.base_url,
    store: journal.plan.store,
  });
  const store = await ctx.services.keeper.usableStore(journal.plan.store);
  if (journal.finished_at === null) {
    if (!(await confirmDeliver(ctx, journals, journal, options.deliver))) {
      ctx.note(`keywarden: not confirmed; rotation ${journal.id} is left where it stopped`);
      return declined;
    }
    const credentials = journal.plan.native ? {} : await createCredentials(ctx, profile.definition);
    const provider = await connect(ctx, profile);
    await runOne(ctx, { provider, store, journals, credentials }, journal);
  } else {
    ctx.note(`rotation ${journal.id} finished at ${journal.finished_at}`);
  }
  await report(ctx, out, [journal], [], store, true);
  return done;
}
