import type { Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Profile } from '../profiles.js';
import type { Key } from '../providers/types.js';
import { keyAccount, SecretStoreError, type SecretStore, type StoreKind } from '../secrets/store.js';
import { deliver } from './deliver.js';

export interface DestinationOptions {
  store?: string;
  deliver?: string;
  reveal?: boolean;
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
export async function prepareDestination(ctx: Context, profile: Profile, options: DestinationOptions): Promise<Destination> {
  const kind = options.store ?? profile.store ?? 'keychain';
  if (kind !== 'keychain' && kind !== 'file' && kind !== 'none') {
    throw new UsageError(`--store: '${kind}' is not keychain, file or none`);
  }
  const destination: Destination = { deliver: options.deliver, reveal: options.reveal === true };
  if (options.deliver !== undefined && options.deliver.trim() === '') throw new UsageError('--deliver: the command is empty');
  if (kind === 'none') {
    if (!destination.deliver && !destination.reveal) {
      throw new UsageError('--store none leaves the new secret nowhere to go; no key was created', 'add --deliver CMD or --reveal');
    }
    return destination;
  }
  const store = await ctx.secretStore(kind as StoreKind);
  try {
    await store.check();
  } catch (error) {
    if (!(error instanceof SecretStoreError)) throw error;
    const nothingElse = !destination.deliver && !destination.reveal;
    throw new SecretStoreError(
      `cannot store the new key's secret: ${error.message}; no key was created`,
      error.exitCode === ExitCode.usage ? error.hint : alternatives,
      nothingElse || error.exitCode === ExitCode.usage ? ExitCode.usage : ExitCode.failure,
    );
  }
  return { ...destination, store };
}

export interface Handover {
  /** where the secret was stored, as the contract prints it */
  stored: string | null;
  delivered: boolean;
  /** nothing durable took the secret: it has to be shown to the person now */
  mustShow: boolean;
  /** what went wrong after the key was created, each a full sentence */
  problems: string[];
}

/** Stores, then delivers, a new key's secret. Never throws: a failure after creation must not drop the secret. */
export async function handOver(ctx: Context, destination: Destination, key: Key, secret: string): Promise<Handover> {
  const result: Handover = { stored: null, delivered: false, mustShow: false, problems: [] };
  if (destination.store) {
    const account = keyAccount(key.profile, key.id);
    try {
      await destination.store.set(account, secret);
      result.stored = destination.store.location(account);
      await (await ctx.storedIndex()).add(account, destination.store.kind);
    } catch (error) {
      if (result.stored === null) result.problems.push(`the secret of ${key.id} could not be stored: ${(error as Error).message}`);
      else ctx.note(`keywarden: warning: the index of stored secrets was not updated: ${(error as Error).message}`);
    }
  }
  if (destination.deliver) {
    try {
      await deliver(ctx, destination.deliver, key, secret);
      result.delivered = true;
    } catch (error) {
      result.problems.push(`the secret of ${key.id} was not delivered: ${(error as Error).message}`);
    }
  }
  result.mustShow = result.stored === null && !result.delivered;
  return result;
}
