import { resolve } from 'node:path';
import type { Context } from './context.js';
import { profileNamePattern, type ProfileConfig } from './config/config.js';
import type { StoreKind } from './secrets/store.js';
import { UsageError } from './errors.js';
import { checkBaseUrl } from './http/url.js';
import { builtinIds, builtinProvider } from './providers/registry.js';
import { settingProblem } from './manifest/definition.js';
import type { ProviderDefinition } from './providers/types.js';

/** A profile made concrete: which provider, where, and where its secrets go. */
export interface Profile {
  name: string;
  /** how the provider was named: a built-in id, or a manifest's absolute path */
  provider: string;
  definition: ProviderDefinition;
  baseUrl: string;
  store?: StoreKind;
  /** the settings the provider declares (an account id), from the profile */
  settings: Record<string, string>;
  /** whether it is in the config file, or made for this run from --provider */
  configured: boolean;
}

export function isManifestReference(provider: string): boolean {
  return provider.includes('/') || provider.includes('\\') || provider.endsWith('.json');
}

/** A provider as a profile or a journal keeps it: a manifest by absolute path, so it works from any directory. */
export function providerReference(provider: string): string {
  return isManifestReference(provider) ? resolve(provider) : provider;
}

/** A built-in provider by id, or a provider described by a manifest file (a relative path is from the working directory). */
export async function providerDefinition(provider: string, ctx: Context): Promise<ProviderDefinition> {
  const environment = { env: ctx.env, secret: (value: string) => ctx.services.keeper.taint(value) };
  if (isManifestReference(provider)) {
    const { loadManifestProvider } = await import('./manifest/index.js');
    return loadManifestProvider(provider, environment);
  }
  const builtin = builtinProvider(provider, environment);
  if (!builtin) {
    throw new UsageError(
      `unknown provider '${provider}'`,
      `built-in providers: ${builtinIds().join(', ')}; or give the path of a provider manifest`,
    );
  }
  return builtin;
}

/** A profile from its parts; a base URL given on the command line wins over the profile's, which wins over the default. */
export interface ProfileParts {
  baseUrl?: string;
  baseUrlSource?: string;
  store?: StoreKind;
  settings?: Record<string, string>;
  /** whether the profile is in the config file, so the hint for a missing setting names a command that works */
  configured?: boolean;
}

export async function makeProfile(
  ctx: Context,
  name: string,
  provider: string,
  parts: ProfileParts = {},
): Promise<Profile> {
  const definition = await providerDefinition(provider, ctx);
  const baseUrl = parts.baseUrl
    ? checkBaseUrl(parts.baseUrl, parts.baseUrlSource ?? '--base-url')
    : definition.defaultBaseUrl;
  if (baseUrl === null) {
    throw new UsageError(
      `${definition.id} has no default base URL: each profile gives its own`,
      parts.configured
        ? `keywarden profile set ${name} --base-url https://...`
        : `keywarden profile add ${name} --provider ${providerReference(provider)} --base-url https://..., or pass --base-url`,
    );
  }
  const settings = parts.settings ?? {};
  const problem = settingProblem(definition, settings);
  if (problem) {
    const set = `--set ${problem.setting.name}=${problem.setting.example ?? `<${problem.setting.name}>`}`;
    throw new UsageError(
      problem.message,
      parts.configured
        ? `keywarden profile set ${name} ${set}`
        : `keywarden profile add ${name} --provider ${providerReference(provider)} ${set}`,
    );
  }
  return {
    name,
    provider: providerReference(provider),
    definition,
    baseUrl,
    store: parts.store,
    settings,
    configured: parts.configured === true,
  };
}

function fromConfig(ctx: Context, name: string, entry: ProfileConfig, baseUrl = ctx.globals.baseUrl): Promise<Profile> {
  return makeProfile(ctx, name, entry.provider, {
    baseUrl: baseUrl ?? entry.base_url,
    baseUrlSource: baseUrl ? '--base-url' : `profile ${name}: base_url`,
    store: entry.store,
    settings: entry.settings,
    configured: true,
  });
}

/**
 * The profile a command acts on: --profile (or KEYWARDEN_PROFILE); else, with --provider, one named after the
 * provider; else the current profile of the config file, or its only one. --provider and --base-url given with a
 * profile override what the config file says.
 */
export async function resolveProfile(ctx: Context): Promise<Profile> {
  const { globals } = ctx;
  ctx.checkPrivateState();
  const config = await ctx.services.config.load();
  const explicit = globals.profile ?? ctx.env.KEYWARDEN_PROFILE;
  if (explicit !== undefined && !profileNamePattern.test(explicit)) {
    throw new UsageError(
      `'${explicit}' is not a profile name`,
      'a profile name has letters, digits, dot, dash and underscore, and starts with a letter or digit',
    );
  }
  const adHoc = (name: string): Promise<Profile> =>
    makeProfile(ctx, name, globals.provider!, { baseUrl: globals.baseUrl });

  if (globals.provider && !explicit) {
    const reference = providerReference(globals.provider);
    const definition = await providerDefinition(reference, ctx);
    const entry = config.profiles[definition.id];
    return entry && providerReference(entry.provider) === reference
      ? fromConfig(ctx, definition.id, entry)
      : adHoc(definition.id);
  }

  const names = Object.keys(config.profiles);
  const name = explicit ?? config.current ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    throw new UsageError(
      names.length === 0 ? 'no profile is set up' : `several profiles and none is current (${names.join(', ')})`,
      names.length === 0
        ? 'keywarden profile add <name> --provider <id>, or pass --provider'
        : 'pass --profile <name>, or keywarden profile use <name>',
    );
  }
  const entry = config.profiles[name];
  if (entry && globals.provider && providerReference(entry.provider) !== providerReference(globals.provider)) {
    // another provider for this profile name, just for this run: the profile's base URL belongs to the other one
    return makeProfile(ctx, name, globals.provider, {
      baseUrl: globals.baseUrl,
      store: entry.store,
      settings: entry.settings,
      configured: true,
    });
  }
  if (entry) return fromConfig(ctx, name, entry);
  if (globals.provider) return adHoc(name);
  throw new UsageError(
    `unknown profile '${name}'`,
    names.length > 0 ? `profiles: ${names.join(', ')}` : 'keywarden profile add <name> --provider <id>',
  );
}

/** Every profile of the config file, for --all-profiles. */
export async function allProfiles(ctx: Context): Promise<Profile[]> {
  ctx.checkPrivateState();
  const config = await ctx.services.config.load();
  const entries = Object.entries(config.profiles);
  if (entries.length === 0)
    throw new UsageError('--all-profiles: no profile is set up', 'keywarden profile add <name> --provider <id>');
  return Promise.all(entries.map(([name, entry]) => fromConfig(ctx, name, entry, undefined)));
}
