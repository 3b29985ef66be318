import type { Context } from '../context.js';
import { profileNamePattern } from '../config/config.js';
import type { StoreKind } from '../secrets/store.js';
import { UsageError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import { providerDefinition, providerReference } from '../profiles.js';
import type { ProviderDefinition } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
import { safeJson, tsvField } from '../render/inert.js';

export async function list(ctx: Context): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json'] as const);
  const config = await ctx.config.load();
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    provider: p.provider,
    base_url: p.base_url ?? null,
    store: p.store ?? 'keychain',
    current: config.current === name,
  }));
  if (format === 'json') {
    await ctx.out(`${safeJson(rows, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    ctx.note('no profiles; add one with: keywarden profile add <name> --provider <id>');
    return 0;
  }
  if (!ctx.stdoutIsTerminal) {
    for (const r of rows) await ctx.out(`${[r.name, r.provider, r.base_url ?? '', r.store, r.current ? 'current' : ''].map(tsvField).join('\t')}\n`);
    return 0;
  }
  const { Terminal } = await import('../render/terminal.js');
  const term = new Terminal(ctx);
  await ctx.out(
    term.table(
      ['', 'NAME', 'PROVIDER', 'BASE URL', 'STORE'],
      rows.map((r) => [r.current ? '*' : '', r.name, r.provider, r.base_url ?? term.dim('default'), r.store]),
    ),
  );
  return 0;
}

export interface AddOptions {
  store?: string;
  /** `name=value` pairs of the settings the provider declares */
  set?: string[];
}

function checkedStore(store: string | undefined): StoreKind | undefined {
  if (store !== undefined && store !== 'keychain' && store !== 'file') throw new UsageError(`--store: '${store}' is not keychain or file`);
  return store;
}

/** `--set name=value` pairs as settings, each one the provider declares, each checked against its pattern. */
function givenSettings(definition: ProviderDefinition, pairs: string[] = []): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at) : '';
    if (!name) throw new UsageError(`--set: '${pair}' is not name=value`);
    const declared = definition.settings.find((s) => s.name === name);
    if (!declared) {
      const known = definition.settings.map((s) => s.name);
      throw new UsageError(`--set: ${definition.id} has no setting ${name}`, known.length > 0 ? `its settings: ${known.join(', ')}` : `${definition.id} takes no settings`);
    }
    const value = pair.slice(at + 1);
    if (declared.pattern !== undefined && !new RegExp(declared.pattern).test(value)) {
      throw new UsageError(`--set: ${name} '${value}' is not ${declared.example ? `like ${declared.example}` : 'well-formed'}`, declared.description);
    }
    settings[name] = value;
  }
  return settings;
}

export async function add(ctx: Context, name: string, options: AddOptions): Promise<number> {
  if (!profileNamePattern.test(name)) {
    throw new UsageError(`'${name}' is not a profile name`, 'use letters, digits, dot, dash and underscore, starting with a letter or digit');
  }
  const provider = ctx.globals.provider;
  if (!provider) throw new UsageError('profile add needs --provider', 'for example: keywarden profile add prod --provider dialnexa');
  const definition = await providerDefinition(provider, ctx);
  const baseUrl = ctx.globals.baseUrl ? checkBaseUrl(ctx.globals.baseUrl) : undefined;
  const store = checkedStore(options.store);
  const settings = givenSettings(definition, options.set);
  const config = await ctx.config.update((c) => {
    if (c.profiles[name]) throw new UsageError(`profile '${name}' exists already`, `change it: keywarden profile set ${name} --base-url <url> --store <store> --set <name>=<value>`);
    c.profiles[name] = {
      provider: providerReference(provider),
      ...(baseUrl ? { base_url: baseUrl } : {}),
      ...(store ? { store } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
    c.current ??= name;
  });
  ctx.note(`added profile ${name} (${definition.displayName}${baseUrl ? ` at ${baseUrl}` : ''})${config.current === name ? ', now current' : ''}`);
  const missing = definition.settings.filter((s) => s.required && settings[s.name] === undefined);
  if (missing.length > 0) ctx.note(`note: ${definition.id} needs ${missing.map((s) => s.name).join(', ')}: keywarden profile set ${name} ${missing.map((s) => `--set ${s.name}=${s.example ?? '<value>'}`).join(' ')}`);
  return 0;
}

export interface SetOptions extends AddOptions {
  baseUrl?: string;
}

/** Changes a profile in place: its base URL, store or settings. Its stored admin token stays where it is. */
export async function set(ctx: Context, name: string, options: SetOptions): Promise<number> {
  const current = (await ctx.config.load()).profiles[name];
  if (!current) throw new UsageError(`no profile '${name}'`, `add it: keywarden profile add ${name} --provider <id>`);
  const baseUrl = options.baseUrl ?? ctx.globals.baseUrl;
  if (baseUrl === undefined && options.store === undefined && (options.set ?? []).length === 0) {
    throw new UsageError('profile set changes nothing without --base-url, --store or --set', `for example: keywarden profile set ${name} --base-url https://api.example.com/v1`);
  }
  const definition = await providerDefinition(current.provider, ctx);
  const checkedUrl = baseUrl === undefined ? undefined : checkBaseUrl(baseUrl);
  const store = checkedStore(options.store);
  const settings = givenSettings(definition, options.set);
  await ctx.config.update((c) => {
    const entry = c.profiles[name]!;
    if (checkedUrl !== undefined) entry.base_url = checkedUrl;
    if (store !== undefined) entry.store = store;
    if (Object.keys(settings).length > 0) entry.settings = { ...entry.settings, ...settings };
  });
  const changed = [checkedUrl && `base URL ${checkedUrl}`, store && `store ${store}`, ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)].filter(Boolean);
  ctx.note(`changed profile ${name}: ${changed.join(', ')}`);
  return 0;
}

/** Removes a profile, and its stored admin token, which nothing could reach without the profile. */
export async function remove(ctx: Context, name: string): Promise<number> {
  await ctx.config.update((c) => {
    if (!c.profiles[name]) throw new UsageError(`no profile '${name}'`);
    delete c.profiles[name];
    if (c.current === name) delete c.current;
  });
  ctx.note(`removed profile ${name}`);
  try {
    if (await ctx.keeper.forgetAdminToken({ name }, { indexedOnly: true })) ctx.note('removed its stored admin token');
  } catch (error) {
    ctx.note(`keywarden: warning: its stored admin token was not removed: ${(error as Error).message}`);
  }
  return 0;
}

export async function use(ctx: Context, name: string): Promise<number> {
  await ctx.config.update((c) => {
    if (!c.profiles[name]) {
      throw new UsageError(`no profile '${name}'`, Object.keys(c.profiles).length ? `profiles: ${Object.keys(c.profiles).join(', ')}` : undefined);
    }
    c.current = name;
  });
  ctx.note(`profile ${name} is now current`);
  return 0;
}
