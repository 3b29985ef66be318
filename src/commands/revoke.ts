import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { InterruptedError, messageOf, UsageError } from '../errors.js';
import { done, partlyFailed, declined, type Outcome } from '../outcome.js';
import { resolveProfile } from '../profiles.js';
import { ProviderError } from '../providers/errors.js';
import { profileKeys } from '../providers/listing.js';
import type { Key, Provider } from '../providers/types.js';
import { inert, tsvField } from '../render/inert.js';
import { parseDuration, relativeTime } from '../util/time.js';
import { describeKey } from '../render/keys.js';
import { requireCapability } from './capabilities.js';
import { resolveKeyReference, unusedFor } from './select-keys.js';
import { command, flag, text, variadic, type Input } from '../command-spec.js';

const args = { references: variadic('[keys...]', 'key ids, unique id prefixes or unique names', 'keys') };
const options = {
  unusedFor: text('--unused-for <duration>', 'every key not used for this long (or never used and this old)'),
  expired: flag('--expired', 'every expired key'),
  dryRun: flag('--dry-run', 'show what would be revoked, change nothing'),
};
type RevokeInput = Input<{ arguments: typeof args; options: typeof options }>;
export type RevokeOptions = Omit<RevokeInput, 'references'>;

export const revokeCommand = command({
  name: 'revoke',
  group: 'keys',
  summary: 'revoke keys; asks first unless --yes; their stored secrets are deleted',
  description:
    'Revokes keys named by id, unique id prefix (4 characters or more) or unique name, or chosen by --unused-for or --expired. It lists them and asks first; without a terminal, --yes is needed. Every key is tried, and each outcome reported.',
  arguments: args,
  options,
  examples: [
    { note: 'one key, by name, without asking', command: 'keywarden revoke "Staging Server" --yes' },
    { note: 'what a clean-up of idle keys would revoke', command: 'keywarden revoke --unused-for 90d --dry-run' },
    { note: 'every expired key', command: 'keywarden revoke --expired --yes' },
  ],
  run: revoke,
});

export interface RevokeFailure {
  id: string;
  error: string;
}

/** The keys a revoke names: references first, then those the selectors pick; each once, already-revoked ones left out. */
async function chooseTargets(
  ctx: Context,
  keys: Key[],
  references: string[],
  options: RevokeOptions,
  usageTracked: boolean,
  providerId: string,
): Promise<Key[]> {
  const chosen = new Map<string, Key>();
  for (const reference of references) {
    const key = resolveKeyReference(reference, keys);
    if (key.status === 'revoked') ctx.note(`${key.id} is revoked already`);
    else chosen.set(key.id, key);
  }
  if (options.unusedFor !== undefined) {
    const ms = parseDuration(options.unusedFor, '--unused-for');
    if (!usageTracked)
      throw new UsageError(
        `${providerId} does not report when a key was last used, so --unused-for cannot choose keys`,
      );
    for (const key of keys.filter(unusedFor(ms, ctx.now()))) chosen.set(key.id, key);
  }
  if (options.expired) for (const key of keys.filter((k) => k.status === 'expired')) chosen.set(key.id, key);
  return [...chosen.values()];
}

/**
 * Revokes keys a few at a time; every key's outcome is reported, none stops the others. Each request sent is
 * finished even when the person interrupts, so the report says exactly what was revoked; keys not yet begun are
 * then left alone and reported as not revoked.
 */
export async function revokeAll(
  ctx: Context,
  provider: Provider,
  targets: Key[],
): Promise<{ revoked: Key[]; failed: RevokeFailure[] }> {
  const revoked: Key[] = [];
  const failed: RevokeFailure[] = [];
  const queue = [...targets];
  const revokeOne = async (key: Key): Promise<void> => {
    const request = { sent: false };
    try {
      await ctx.interrupts.guard('the revocations already sent', (step) => {
        request.sent = true;
        return provider.revoke(key.id, { signal: step.signal });
      });
    } catch (error) {
      // DialNexa lists revoked keys as expired, and answers 404 when one is revoked again: it is revoked already
      const gone = error instanceof ProviderError && error.kind === 'not_found' && key.status !== 'active';
      if (gone) {
        ctx.note(`${describeKey(key)} was revoked already`);
        revoked.push({ ...key, status: 'revoked' });
        await ctx.services.keeper.forgetRevoked(key.profile, key.id);
        return;
      }
      const interrupted = error instanceof InterruptedError;
      const why = !interrupted
        ? messageOf(error)
        : request.sent
          ? 'stopped while its revocation was under way: it may be revoked or not'
          : 'not revoked: interrupted';
      failed.push({ id: key.id, error: why });
      return;
    }
    revoked.push({ ...key, status: 'revoked', revoked_at: key.revoked_at ?? ctx.now().toISOString() });
    await ctx.services.keeper.forgetRevoked(key.profile, key.id);
  };
  const worker = async (): Promise<void> => {
    for (let key = queue.shift(); key; key = queue.shift()) await revokeOne(key);
  };
  await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
  const order = new Map(targets.map((k, i) => [k.id, i]));
  revoked.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  failed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { revoked, failed };
}

/** revoke: one or many keys by reference or selector; confirmation unless --yes; each stored secret deleted. */
async function revoke(ctx: Context, { references, ...options }: RevokeInput): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  if (references.length === 0 && options.unusedFor === undefined && !options.expired) {
    throw new UsageError('name the keys to revoke, or choose them with --unused-for DUR or --expired');
  }
  const profile = await resolveProfile(ctx);
  requireCapability(profile.definition, 'revoke', 'revoke keys');
  const provider = await connect(ctx, profile);
  const keys = await profileKeys(provider, profile.name);
  const targets = await chooseTargets(
    ctx,
    keys,
    references,
    options,
    profile.definition.capabilities.usageTracking,
    profile.definition.id,
  );

  if (targets.length === 0 || options.dryRun) {
    if (out.format === 'table')
      ctx.note(
        targets.length === 0
          ? 'nothing to revoke'
          : `would revoke ${targets.length} key${targets.length === 1 ? '' : 's'} (dry run):`,
      );
    await out.document(
      { dry_run: options.dryRun === true, revoked: options.dryRun ? targets : [], failed: [] },
      targets.map((key) => describeKey(key)),
    );
    return done;
  }

  if (!ctx.globals.yes && ctx.interactive) {
    ctx.note(`About to revoke ${targets.length} key${targets.length === 1 ? '' : 's'} of profile ${profile.name}:`);
    for (const key of targets)
      ctx.note(
        `  ${describeKey(key)}${key.last_used_at ? `, last used ${relativeTime(key.last_used_at, ctx.now())}` : ''}`,
      );
  }
  if (
    !(await ctx.confirm(
      `Revoke ${targets.length === 1 ? 'this key' : `these ${targets.length} keys`}? Anything using ${targets.length === 1 ? 'it' : 'them'} stops working at once.`,
    ))
  ) {
    ctx.note('keywarden: not confirmed; nothing was revoked');
    return declined;
  }

  const { revoked, failed } = await revokeAll(ctx, provider, targets);
  const style = await ctx.style();
  const lines = out.forPerson
    ? [
        ...revoked.map((key) => `${style.tick} revoked ${describeKey(key)}`),
        ...failed.map((f) => `${style.cross} ${inert(f.id)}: ${inert(f.error)}`),
      ]
    : [
        ...revoked.map((key) => `revoked\t${tsvField(key.id)}`),
        ...failed.map((f) => `failed\t${tsvField(f.id)}\t${tsvField(f.error)}`),
      ];
  await out.document({ dry_run: false, revoked, failed }, lines);
  if (ctx.interrupts.interrupted)
    ctx.note(`keywarden: interrupted: ${revoked.length} of ${targets.length} keys revoked, ${failed.length} not`);
  else if (failed.length > 0) ctx.note(`keywarden: ${failed.length} of ${targets.length} revocations failed`);
  return failed.length > 0 ? partlyFailed : done;
}
