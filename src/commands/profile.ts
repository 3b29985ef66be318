import type { Context } from '../context.js';
import { profileNamePattern } from '../config/config.js';
import type { StoreKind } from '../secrets/store.js';
import { UsageError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import { providerDefinition, providerReference } from '../profiles.js';
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
}

export async function add(ctx: Context, name: string, options: AddOptions): Promise<number> {
  if (!profileNamePattern.test(name)) {
    throw new UsageError(`'${name}' is not a profile name`, 'use letters, digits, dot, dash and underscore, starting with a letter or digit');
  }
  const provider = ctx.globals.provider;
  if (!provider) throw new UsageError('profile add needs --provider', 'for example: keywarden profile add prod --provider dialnexa');
  const definition = await providerDefinition(provider, ctx);
  const baseUrl = ctx.globals.baseUrl ? checkBaseUrl(ctx.globals.baseUrl) : undefined;
  if (options.store !== undefined && options.store !== 'keychain' && options.store !== 'file') {
    throw new UsageError(`--store: '${options.store}' is not keychain or file`);
  }
  const config = await ctx.config.update((c) => {
    if (c.profiles[name]) throw new UsageError(`profile '${name}' exists already`, `keywarden profile remove ${name} first`);
    c.profiles[name] = { provider: providerReference(provider), ...(baseUrl ? { base_url: baseUrl } : {}), ...(options.store ? { store: options.store as StoreKind } : {}) };
    c.current ??= name;
  });
  ctx.note(`added profile ${name} (${definition.displayName}${baseUrl ? ` at ${baseUrl}` : ''})${config.current === name ? ', now current' : ''}`);
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
