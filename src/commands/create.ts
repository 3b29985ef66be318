import type { Context } from '../context.js';
import { connect, createCredentials } from '../credentials.js';
import { handOver, prepareDestination, type Destination, type Handover } from '../handover/destination.js';
import { revealAsLastResort, secretBox } from '../handover/reveal.js';
import type { GuardedStep } from '../interrupts.js';
import { resolveProfile } from '../profiles.js';
import { keysCreatedSince, withProfile } from '../providers/listing.js';
import { ProviderError } from '../providers/errors.js';
import type { CreateRequest, Key, Provider } from '../providers/types.js';
import { done, partlyFailed, type Outcome } from '../outcome.js';
import { inert, safeJson } from '../render/inert.js';
import type { Presenter } from '../render/present.js';
import type { Secret } from '../secrets/secret.js';
import { requireCapability } from './capabilities.js';
import { createRequest } from './create-request.js';
import { deliverOption } from './options.js';
import { choice, command, flag, required, text, type Input } from '../command-spec.js';

const options = {
  scopes: text('--scopes <list>', 'comma-separated scopes or permissions'),
  environment: choice('--environment <env>', 'live or test', ['live', 'test'] as const),
  expiresIn: text('--expires-in <duration>', 'expire after this long, e.g. 90d'),
  expiresAt: text('--expires-at <date>', 'expire at this ISO 8601 date'),
  expireNow: flag('--expire-now', 'create the key already expired (DialNexa)'),
  principal: text('--principal <id>', 'the principal the key belongs to (Cobo)'),
  ipAllowlist: text('--ip-allowlist <list>', 'comma-separated IPs or CIDRs allowed to use the key'),
  store: choice('--store <store>', 'where the secret goes: keychain (default), file or none', [
    'keychain',
    'file',
    'none',
  ] as const),
  deliver: deliverOption,
  reveal: flag('--reveal', 'print the secret even when stdout is not a terminal'),
};
const args = { name: required('<name>', 'the name of the new key') };

export const createCommand = command({
  name: 'create',
  group: 'keys',
  summary: 'create a key; its secret is stored before anything is printed',
  description:
    'Creates a key at the provider. Where the secret will go is checked before the provider is called: the keychain by default, an encrypted file, a --deliver command, or --reveal. On a terminal the secret is shown once in a box; in a pipe only the key id is printed, unless --reveal.',
  arguments: args,
  options,
  examples: [
    {
      note: 'a key that expires in 90 days, its secret in the keychain',
      command: 'keywarden create "ci deploy" --scopes dns:read --expires-in 90d',
    },
    {
      note: 'hand the secret to your own script on its stdin',
      command:
        'keywarden create "billing worker" --environment live --ip-allowlist 203.0.113.0/24 --deliver ./update-secret.sh',
    },
    {
      note: 'the secret alone on stdout, stored nowhere',
      command: 'keywarden create "one-off test" --store none --reveal',
    },
  ],
  run: create,
});

type CreateInput = Input<{ arguments: typeof args; options: typeof options }>;

/**
 * create: check where the secret will go, call the provider, store, deliver, print. From the moment the request is
 * sent until the secret is safe, an interrupt waits (see Interrupts); the secret is shown at most once, and always
 * when nothing else took it.
 */
async function create(ctx: Context, { name, ...options }: CreateInput): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  const profile = await resolveProfile(ctx);
  requireCapability(profile.definition, 'create', 'create keys');
  const request = createRequest(profile.definition, name, options, ctx.now());
  if (!profile.definition.capabilities.names)
    ctx.note(`note: ${profile.definition.displayName} keys have no names; '${name}' is not kept by the provider`);
  const destination = await prepareDestination(ctx, profile, options);
  const credentials = await createCredentials(ctx, profile.definition);
  const provider = await connect(ctx, profile);
  return ctx.interrupts.guard("the create request and the new key's secret", (step) =>
    createAndHandOver(ctx, step, provider, profile.name, { request, credentials }, destination, out),
  );
}

async function createAndHandOver(
  ctx: Context,
  step: GuardedStep,
  provider: Provider,
  profile: string,
  { request, credentials }: { request: CreateRequest; credentials: Record<string, string> },
  destination: Destination,
  out: Presenter<'table' | 'json'>,
): Promise<Outcome> {
  const sentAt = ctx.now();
  step.waitingFor(`${provider.displayName}'s answer to the create request`);
  let created;
  try {
    created = await provider.create(request, { signal: step.signal, credentials });
  } catch (error) {
    if (step.signal.aborted) namePossibleOrphan(ctx, provider, profile, request.name, sentAt);
    else if (error instanceof ProviderError && error.outcomeUnknown)
      await reportPossibleOrphans(ctx, provider, profile, request.name, sentAt);
    throw error;
  }
  const { record, secret } = ctx.services.keeper.accept(created);
  const key = withProfile(provider.id, profile, record);
  step.beforeForcedStop(
    () => void revealAsLastResort(ctx, key, secret, 'stopped before the new secret was stored or delivered'),
  );
  const handover = await handOver(ctx, destination, key, secret, step);
  step.waitingFor('the new secret to be shown');
  const shown = await report(ctx, out, key, secret, handover, destination.reveal);
  return handover.problems.length > 0 || !shown ? partlyFailed : done;
}

/** Where to look for a key a create may have left behind: the listing of keys of its name made since it was sent. */
function orphanSearch(provider: Provider, profile: string, name: string, since: Date): string {
  const search = provider.capabilities.names ? ` --search '${name.replace(/'/g, "'\\''")}'` : '';
  return `keywarden --profile ${profile} list${search} --created-after ${since.toISOString()}`;
}

/** Stopped before the create's answer came: the key it may have made is named by how to find it, with no request. */
function namePossibleOrphan(ctx: Context, provider: Provider, profile: string, name: string, since: Date): void {
  ctx.note(
    `keywarden: stopped before ${provider.displayName} answered the create request, which may have made a key whose secret nobody received`,
  );
  ctx.note(
    `find it with: ${orphanSearch(provider, profile, name, since)}, then revoke it: keywarden --profile ${profile} revoke <id>`,
  );
}

/**
 * The create request got no usable answer but may have been carried out. Any key it made has a secret nobody
 * received: name those keys and the command that revokes them, rather than leave them unseen.
 */
async function reportPossibleOrphans(
  ctx: Context,
  provider: Provider,
  profile: string,
  name: string,
  since: Date,
): Promise<void> {
  ctx.note(
    `keywarden: the create request may have made a key at ${provider.displayName}, but its answer was lost or unreadable`,
  );
  if (!provider.capabilities.names) {
    ctx.note(
      `${provider.displayName} keys have no names; look for a key created since ${since.toISOString()}: ${orphanSearch(provider, profile, name, since)}`,
    );
    return;
  }
  try {
    const orphans = await keysCreatedSince(provider, name, since);
    if (orphans.length === 0)
      ctx.note(`no key named '${name}' was created since ${since.toISOString()}; nothing was left behind`);
    for (const orphan of orphans) {
      ctx.note(
        `orphan: ${orphan.id} ('${name}', created ${orphan.created_at}); its secret was never received; revoke it: keywarden --profile ${profile} revoke ${orphan.id}`,
      );
    }
  } catch (error) {
    ctx.note(
      `keywarden: could not check for a key left behind (${(error as Error).message}); look with: ${orphanSearch(provider, profile, name, since)}`,
    );
  }
}

/**
 * Prints the result: the secret in a box on a terminal, alone or in JSON with --reveal (or when nothing else took
 * it), else the key. False when a secret that had to be shown could not be, even on stderr.
 */
async function report(
  ctx: Context,
  out: Presenter<'table' | 'json'>,
  key: Key,
  secret: Secret,
  handover: Handover,
  reveal: boolean,
): Promise<boolean> {
  const { format } = out;
  const boxed = out.forPerson;
  const withSecret = boxed || reveal || handover.mustShow;
  for (const problem of handover.problems) ctx.note(`keywarden: ${problem}`);
  if (handover.mustShow) {
    // asked for with --store none --reveal, it is a note; left with nowhere else to go, a warning
    ctx.note(
      `${reveal && handover.problems.length === 0 ? 'note' : 'keywarden: warning'}: the secret is printed below, and kept nowhere else; it will not be shown again`,
    );
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
