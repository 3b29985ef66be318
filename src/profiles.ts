import type { Context } from './context.js';
import type { ProfileConfig } from './config/config.js';
import type { StoreKind } from './secrets/store.js';
import { UsageError } from './errors.js';
import { checkBaseUrl } from './http/url.js';
import { builtinProvider, builtinProviders } from './providers/registry.js';
import type { ProviderDefinition } from './providers/types.js';

/** A profile made concrete: which provider, where, and where its secrets go. */
export interface Profile {
  name: string;
  definition: ProviderDefinition;
  baseUrl: string;
  store?: StoreKind;
}

export function isManifestReference(provider: string): boolean {
  return provider.includes('/') || provider.includes('\\') || provider.endsWith('.json');
}

/** A built-in provider by id, or a provider described by a manifest file. */
export async function providerDefinition(provider: string, _ctx: Context): Promise<ProviderDefinition> {
  if (isManifestReference(provider)) {
    throw new UsageError(`--provider ${provider}: provider manifests are not supported by this version`);
  }
  const builtin = builtinProvider(provider);
  if (!builtin) {
    throw new UsageError(
      `unknown provider '${provider}'`,
      `built-in providers: ${builtinProviders.map((p) => p.id).join(', ')}; or give the path of a provider manifest`,
    );
  }
  return builtin;
}

async function fromConfig(name: string, entry: ProfileConfig, ctx: Context, overrides: { provider?: string; baseUrl?: string } = {}): Promise<Profile> {
  const definition = await providerDefinition(overrides.provider ?? entry.provider, ctx);
  const baseUrl = overrides.baseUrl
    ? checkBaseUrl(overrides.baseUrl)
    : entry.base_url && !overrides.provider
      ? checkBaseUrl(entry.base_url, `profile ${name}: base_url`)
      : definition.defaultBaseUrl;
  return { name, definition, baseUrl, store: entry.store };
}

/**
 * The profile a command acts on: --profile (or KEYWARDEN_PROFILE); else, with --provider, one named after the
 * provider; else the current profile of the config file, or its only one.
 */
export async function resolveProfile(ctx: Context): Promise<Profile> {
  const { globals } = ctx;
  const config = await ctx.config.load();
  const explicit = globals.profile ?? ctx.env.KEYWARDEN_PROFILE;
  const overrides = { provider: globals.provider, baseUrl: globals.baseUrl };

  if (globals.provider && !explicit) {
    const definition = await providerDefinition(globals.provider, ctx);
    const entry = config.profiles[definition.id];
    if (entry && entry.provider === globals.provider) return fromConfig(definition.id, entry, ctx, { baseUrl: globals.baseUrl });
    return { name: definition.id, definition, baseUrl: globals.baseUrl ? checkBaseUrl(globals.baseUrl) : definition.defaultBaseUrl };
  }

  const names = Object.keys(config.profiles);
  const name = explicit ?? config.current ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    throw new UsageError(
      names.length === 0 ? 'no profile is set up' : `several profiles and none is current (${names.join(', ')})`,
      names.length === 0 ? 'keywarden profile add <name> --provider <id>, or pass --provider' : 'pass --profile <name>, or keywarden profile use <name>',
    );
  }
  const entry = config.profiles[name];
  if (entry) return fromConfig(name, entry, ctx, overrides);
  if (globals.provider) {
    const definition = await providerDefinition(globals.provider, ctx);
    return { name, definition, baseUrl: globals.baseUrl ? checkBaseUrl(globals.baseUrl) : definition.defaultBaseUrl };
  }
  throw new UsageError(`unknown profile '${name}'`, names.length > 0 ? `profiles: ${names.join(', ')}` : 'keywarden profile add <name> --provider <id>');
}

/** Every profile of the config file, for --all-profiles. */
export async function allProfiles(ctx: Context): Promise<Profile[]> {
  const config = await ctx.config.load();
  const entries = Object.entries(config.profiles);
  if (entries.length === 0) throw new UsageError('--all-profiles: no profile is set up', 'keywarden profile add <name> --provider <id>');
  return Promise.all(entries.map(([name, entry]) => fromConfig(name, entry, ctx)));
}
