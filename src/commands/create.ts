import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { UsageError } from '../errors.js';
import { handOver, prepareDestination, type DestinationOptions, type Handover } from '../handover/destination.js';
import { maskForGitHubActions, secretBox } from '../handover/reveal.js';
import { resolveProfile } from '../profiles.js';
import { keysCreatedSince, withProfile } from '../providers/listing.js';
import { ProviderError } from '../providers/errors.js';
import type { Capabilities, CreateRequest, Key, Provider, ProviderInfo } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
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
 * create: check where the secret will go, call the provider, store, deliver, print. The secret is shown at most
 * once, and always when nothing else took it.
 */
export async function run(ctx: Context, name: string, options: CreateOptions): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json'] as const);
  const profile = await resolveProfile(ctx);
  const request = createRequest(profile.definition, name, options, ctx.now());
  if (!profile.definition.capabilities.names) ctx.note(`note: ${profile.definition.displayName} keys have no names; '${name}' is not kept by the provider`);
  const destination = await prepareDestination(ctx, profile, options);

  const provider = await connect(ctx, profile);
  const startedAt = ctx.now();
  let created;
  try {
    created = await provider.create(request);
  } catch (error) {
    if (error instanceof ProviderError && error.outcomeUnknown) await reportPossibleOrphans(ctx, provider, profile.name, request.name, startedAt);
    throw error;
  }
  ctx.redactor.add(created.secret);
  const key = withProfile(profile.definition.id, profile.name, created.key);
  const handover = await handOver(ctx, destination, key, created.secret);
  await report(ctx, format, key, created.secret, handover, destination.reveal);
  return handover.problems.length > 0 ? 1 : 0;
}

/**
 * The create request got no answer but may have been carried out. Any key it made has a secret nobody received:
 * name those keys and the command that revokes them, rather than leave them unseen.
 */
async function reportPossibleOrphans(ctx: Context, provider: Provider, profile: string, name: string, since: Date): Promise<void> {
  ctx.note(`keywarden: the create request may have reached ${provider.id} although no answer came back`);
  if (!provider.capabilities.names) {
    ctx.note(`${provider.displayName} keys have no names; look for a key created since ${since.toISOString()}: keywarden list --created-after ${since.toISOString()}`);
    return;
  }
  try {
    const orphans = await keysCreatedSince(provider, name, since);
    if (orphans.length === 0) ctx.note(`no key named '${name}' was created since ${since.toISOString()}; nothing was left behind`);
    for (const orphan of orphans) {
      ctx.note(`orphan: ${orphan.id} ('${name}', created ${orphan.created_at}); its secret was never received; revoke it: keywarden --profile ${profile} revoke ${orphan.id}`);
    }
  } catch (error) {
    ctx.note(`keywarden: could not check for a key left behind: ${(error as Error).message}`);
  }
}

async function report(ctx: Context, format: 'table' | 'json', key: Key, secret: string, handover: Handover, reveal: boolean): Promise<void> {
  const boxed = format === 'table' && ctx.stdoutIsTerminal;
  const printed = boxed || reveal || handover.mustShow;
  if (printed) maskForGitHubActions(ctx, secret);
  for (const problem of handover.problems) ctx.note(`keywarden: ${problem}`);
  if (handover.mustShow) ctx.note('keywarden: the secret is printed below because nothing else took it; it will not be shown again');

  if (format === 'json') {
    const doc = { key, stored: handover.stored, delivered: handover.delivered, ...(reveal || handover.mustShow ? { secret } : {}) };
    await ctx.out(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  if (boxed) {
    const { Terminal } = await import('../render/terminal.js');
    await ctx.out(secretBox(new Terminal(ctx), key, secret, handover));
    return;
  }
  if (printed) {
    // in a pipe the secret alone is the result, so SECRET=$(keywarden create ... --reveal) works
    await ctx.out(`${secret}\n`);
    ctx.note(`created ${key.id}${handover.stored ? `, stored in ${handover.stored}` : ''}${handover.delivered ? ', delivered' : ''}`);
    return;
  }
  await ctx.out(`${key.id}\n`);
  ctx.note(`created ${key.id}${handover.stored ? `, stored in ${handover.stored}` : ''}${handover.delivered ? ', delivered' : ''}`);
}
