import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { connect, createCredentials } from '../credentials.js';
import { UsageError } from '../errors.js';
import { handOver, prepareDestination, type Destination, type DestinationOptions, type Handover } from '../handover/destination.js';
import { revealAsLastResort, secretBox } from '../handover/reveal.js';
import type { GuardedStep } from '../interrupts.js';
import { resolveProfile } from '../profiles.js';
import { keysCreatedSince, withProfile } from '../providers/listing.js';
import { ProviderError } from '../providers/errors.js';
import type { Capabilities, CreateRequest, Key, Provider, ProviderInfo } from '../providers/types.js';
import { inert, safeJson } from '../render/inert.js';
import type { Presenter } from '../render/present.js';
import type { Secret } from '../secrets/secret.js';
import { parseDate, parseDuration } from '../util/time.js';

export interface CreateOptions extends DestinationOptions {
  scopes?: string;
  environment?: string;
  expiresIn?: string;
  expiresAt?: string;
  expireNow?: boolean;
  principal?: string;
  ipAllowlist?: string;
}

function list(text: string, flag: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag}: give a comma-separated list`);
  return items;
}

/** The provider request for the command's options; a flag the provider does not support is exit 2 naming it. */
export function createRequest(provider: ProviderInfo, name: string, options: CreateOptions, now: Date): CreateRequest {
  const need = (capability: keyof Capabilities, flag: string): void => {
    if (!provider.capabilities[capability]) {
      throw new UsageError(`${provider.id} does not support ${flag}`, 'keywarden providers shows what each provider supports');
    }
  };
  if (name.trim() === '') throw new UsageError('the key needs a name');
  const request: CreateRequest = { name };
  if (options.scopes !== undefined) {
    need('scopes', '--scopes');
    request.scopes = list(options.scopes, '--scopes');
  }
  if (options.environment !== undefined) {
    need('environments', '--environment');
    if (options.environment !== 'live' && options.environment !== 'test') throw new UsageError(`--environment: '${options.environment}' is not live or test`);
    request.environment = options.environment;
  }
  const expiryFlags = [options.expiresIn && '--expires-in', options.expiresAt && '--expires-at', options.expireNow && '--expire-now'].filter(Boolean);
  if (expiryFlags.length > 1) throw new UsageError(`${expiryFlags.join(' and ')} cannot be used together`);
  if (options.expiresIn !== undefined || options.expiresAt !== undefined) {
    need('expiry', options.expiresIn !== undefined ? '--expires-in' : '--expires-at');
    const at = options.expiresIn !== undefined ? new Date(now.getTime() + parseDuration(options.expiresIn, '--expires-in')) : parseDate(options.expiresAt!, '--expires-at');
    if (at.getTime() <= now.getTime()) throw new UsageError(`--expires-at: ${at.toISOString()} is not in the future`);
    request.expiresAt = at.toISOString();
  }
  if (options.expireNow) {
    need('expireNow', '--expire-now');
    request.expireNow = true;
  }
  if (options.principal !== undefined) {
    need('principal', '--principal');
    request.principal = options.principal;
  }
  if (options.ipAllowlist !== undefined) {
    need('ipAllowlist', '--ip-allowlist');
    request.ipAllowlist = list(options.ipAllowlist, '--ip-allowlist');
  }
  if (provider.capabilities.idempotentCreate) request.idempotencyKey = randomUUID();
  return request;
}

/**
 * create: check where the secret will go, call the provider, store, deliver, print. From the moment the request is
 * sent until the secret is safe, an interrupt waits (see Interrupts); the secret is shown at most once, and always
 * when nothing else took it.
 */
export async function run(ctx: Context, name: string, options: CreateOptions): Promise<number> {
  const out = ctx.presenter(['table', 'json'] as const);
  const profile = await resolveProfile(ctx);
  requireCapability(profile.definition, 'create', 'create keys');
  const request = createRequest(profile.definition, name, options, ctx.now());
  if (!profile.definition.capabilities.names) ctx.note(`note: ${profile.definition.displayName} keys have no names; '${name}' is not kept by the provider`);
  const destination = await prepareDestination(ctx, profile, options);
  const credentials = await createCredentials(ctx, profile.definition);
  const provider = await connect(ctx, profile);
  return ctx.interrupts.guard("the create request and the new key's secret", (step) =>
    createAndHandOver(ctx, step, provider, profile.name, { request, credentials }, destination, out),
  );
}

/** A command the provider cannot carry out is exit 2 before anything is sent. */
export function requireCapability(provider: ProviderInfo, capability: 'create' | 'revoke', what: string): void {
  if (!provider.capabilities[capability]) {
    throw new UsageError(`${provider.displayName} (${provider.id}) cannot ${what} through its API`, 'keywarden providers shows what each provider can do');
  }
}

async function createAndHandOver(
  ctx: Context,
  step: GuardedStep,
  provider: Provider,
  profile: string,
  { request, credentials }: { request: CreateRequest; credentials: Record<string, string> },
  destination: Destination,
  out: Presenter<'table' | 'json'>,
): Promise<number> {
  const sentAt = ctx.now();
  step.waitingFor(`${provider.displayName}'s answer to the create request`);
  let created;
  try {
    created = await provider.create(request, { signal: step.signal, credentials });
  } catch (error) {
    if (step.signal.aborted) namePossibleOrphan(ctx, provider, profile, request.name, sentAt);
    else if (error instanceof ProviderError && error.outcomeUnknown) await reportPossibleOrphans(ctx, provider, profile, request.name, sentAt);
    throw error;
  }
  const { record, secret } = ctx.keeper.accept(created);
  const key = withProfile(provider.id, profile, record);
  step.beforeForcedStop(() => void revealAsLastResort(ctx, key, secret, 'stopped before the new secret was stored or delivered'));
  const handover = await handOver(ctx, destination, key, secret, step);
  step.waitingFor('the new secret to be shown');
  const shown = await report(ctx, out, key, secret, handover, destination.reveal);
  return handover.problems.length > 0 || !shown ? 1 : 0;
}

/** Where to look for a key a create may have left behind: the listing of keys of its name made since it was sent. */
function orphanSearch(provider: Provider, profile: string, name: string, since: Date): string {
  const search = provider.capabilities.names ? ` --search '${name.replace(/'/g, "'\\''")}'` : '';
  return `keywarden --profile ${profile} list${search} --created-after ${since.toISOString()}`;
}

/** Stopped before the create's answer came: the key it may have made is named by how to find it, with no request. */
function namePossibleOrphan(ctx: Context, provider: Provider, profile: string, name: string, since: Date): void {
  ctx.note(`keywarden: stopped before ${provider.displayName} answered the create request, which may have made a key whose secret nobody received`);
  ctx.note(`find it with: ${orphanSearch(provider, profile, name, since)}, then revoke it: keywarden --profile ${profile} revoke <id>`);
}

/**
 * The create request got no usable answer but may have been carried out. Any key it made has a secret nobody
 * received: name those keys and the command that revokes them, rather than leave them unseen.
 */
async function reportPossibleOrphans(ctx: Context, provider: Provider, profile: string, name: string, since: Date): Promise<void> {
  ctx.note(`keywarden: the create request may have made a key at ${provider.displayName}, but its answer was lost or unreadable`);
  if (!provider.capabilities.names) {
    ctx.note(`${provider.displayName} keys have no names; look for a key created since ${since.toISOString()}: ${orphanSearch(provider, profile, name, since)}`);
    return;
  }
  try {
    const orphans = await keysCreatedSince(provider, name, since);
    if (orphans.length === 0) ctx.note(`no key named '${name}' was created since ${since.toISOString()}; nothing was left behind`);
    for (const orphan of orphans) {
      ctx.note(`orphan: ${orphan.id} ('${name}', created ${orphan.created_at}); its secret was never received; revoke it: keywarden --profile ${profile} revoke ${orphan.id}`);
    }
  } catch (error) {
    ctx.note(`keywarden: could not check for a key left behind (${(error as Error).message}); look with: ${orphanSearch(provider, profile, name, since)}`);
  }
}

/**
 * Prints the result: the secret in a box on a terminal, alone or in JSON with --reveal (or when nothing else took
 * it), else the key. False when a secret that had to be shown could not be, even on stderr.
 */
async function report(ctx: Context, out: Presenter<'table' | 'json'>, key: Key, secret: Secret, handover: Handover, reveal: boolean): Promise<boolean> {
  const { format } = out;
  const boxed = out.forPerson;
  const withSecret = boxed || reveal || handover.mustShow;
  for (const problem of handover.problems) ctx.note(`keywarden: ${problem}`);
  if (handover.mustShow) {
    // asked for with --store none --reveal, it is a note; left with nowhere else to go, a warning
    ctx.note(`${reveal && handover.problems.length === 0 ? 'note' : 'keywarden: warning'}: the secret is printed below, and kept nowhere else; it will not be shown again`);
  }
  const summary = `created ${key.id}${handover.stored ? `, stored in ${handover.stored}` : ''}${handover.delivered ? ', delivered' : ''}`;

  const doc = { key, stored: handover.stored, delivered: handover.delivered };
  if (!withSecret) {
    await out.document(doc, [inert(key.id)]);
    if (format !== 'json') ctx.note(summary);
    return true;
  }
  let text: string;
  if (format === 'json') text = `${safeJson({ ...doc, secret: secret.expose() }, 2)}\n`;
  else if (boxed) text = secretBox(await ctx.style(), key, secret, handover, ctx.screen.width);
  else {
    // in a pipe the secret alone is the result, so SECRET=$(keywarden create ... --reveal) works
    text = `${secret.expose()}\n`;
  }
  if (await ctx.output.reveal(text, secret, 'stdout')) {
    if (format !== 'json' && !boxed) ctx.note(summary);
    return true;
  }
  // stdout is gone: a secret kept elsewhere is safe; one kept nowhere still reaches the person
  if (!handover.mustShow) return true;
  await revealAsLastResort(ctx, key, secret, 'stdout was closed, and the secret is stored nowhere');
  return false;
}
