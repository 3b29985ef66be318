import type { Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { GuardedStep } from '../interrupts.js';
import type { Profile } from '../profiles.js';
import type { Key } from '../providers/types.js';
import type { Secret } from '../secrets/secret.js';
import { SecretStoreError, type SecretStore, type StoreKind } from '../secrets/store.js';
import { deliver } from './deliver.js';

export interface DestinationOptions {
  store?: StoreKind | 'none' | undefined;
  deliver?: string | undefined;
  reveal?: boolean | undefined;
}

/** Where a new secret will go, checked before any key is created. */
export interface Destination {
  store?: SecretStore;
  deliver?: string;
  reveal: boolean;
}

const alternatives = 'use --store file, or --store none with --deliver CMD or --reveal';

/**
 * Decides where the secret of a key about to be created goes, and proves the store can take it (a probe entry
 * written and deleted). Nothing able to take the secret is exit 2, before the provider is called.
 */
export async function prepareDestination(
  ctx: Context,
  profile: Profile,
  options: DestinationOptions,
): Promise<Destination> {
  const kind = options.store ?? profile.store ?? 'keychain';
  const destination: Destination = { deliver: options.deliver, reveal: options.reveal === true };
  if (options.deliver !== undefined && options.deliver.trim() === '')
    throw new UsageError('--deliver: the command is empty');
  if (kind === 'none') {
    if (!destination.deliver && !destination.reveal) {
      throw new UsageError(
        '--store none leaves the new secret nowhere to go; no key was created',
        'add --deliver CMD or --reveal',
      );
    }
    return destination;
  }
  try {
    return { ...destination, store: await ctx.services.keeper.usableStore(kind) };
  } catch (error) {
    if (!(error instanceof SecretStoreError)) throw error;
    const nothingElse = !destination.deliver && !destination.reveal;
    throw new SecretStoreError(
      `cannot store the new key's secret: ${error.message}; no key was created`,
      error.exitCode === ExitCode.usage ? error.hint : alternatives,
      nothingElse || error.exitCode === ExitCode.usage ? ExitCode.usage : ExitCode.failure,
    );
  }
}

export interface Handover {
  /** where the secret was stored: `keychain:keywarden/<account>`, `file:<path>#<account>` */
  stored: string | null;
  delivered: boolean;
  /** nothing durable took the secret: it has to be shown to the person now */
  mustShow: boolean;
  /** what went wrong after the key was created, each a full sentence */
  problems: string[];
}

/**
 * Stores, then delivers, a new key's secret, inside the step that created it. Never throws for a failed store or
 * delivery: a failure after creation must not drop the secret. Once the secret is safe, a forced stop has nothing
 * more to show.
 */
export async function handOver(
  ctx: Context,
  destination: Destination,
  key: Key,
  secret: Secret,
  step: GuardedStep,
): Promise<Handover> {
  const result: Handover = { stored: null, delivered: false, mustShow: false, problems: [] };
  if (destination.store) {
    step.waitingFor(`the secret store to keep the secret of ${key.id}`);
    try {
      result.stored = await ctx.services.keeper.keep(destination.store, key.profile, key.id, secret);
      step.beforeForcedStop(undefined);
    } catch (error) {
      result.problems.push(`the secret of ${key.id} could not be stored: ${(error as Error).message}`);
    }
  }
  if (destination.deliver) {
    step.waitingFor('the --deliver command to finish');
    try {
      await deliver(ctx, destination.deliver, key, secret, step.signal);
      result.delivered = true;
      step.beforeForcedStop(undefined);
    } catch (error) {
      if (step.signal.aborted) throw error;
      result.problems.push(`the secret of ${key.id} was not delivered: ${(error as Error).message}`);
    }
  }
  result.mustShow = result.stored === null && !result.delivered;
  return result;
}
