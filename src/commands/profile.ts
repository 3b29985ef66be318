import type { Context } from '../context.js';
import { profileNamePattern } from '../config/config.js';
import type { StoreKind } from '../secrets/store.js';
import { UsageError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import { providerDefinition, providerReference } from '../profiles.js';
import type { ProviderDefinition } from '../providers/types.js';
import { done, type Outcome } from '../outcome.js';
import type { RecordsView } from '../render/present.js';
import { choice, command, repeated, required, type Input } from '../command-spec.js';

interface ProfileRow {
  name: string;
  provider: string;
  base_url: string | null;
  store: string;
  current: boolean;
}

const profilesView: RecordsView<ProfileRow> = {
  columns: [
    { header: '', fit: 'fixed', cell: (r) => ({ text: r.current ? '*' : '' }) },
    { header: 'NAME', fit: 'id', cell: (r, s) => s.plain(r.name) },
    { header: 'PROVIDER', fit: 'truncate', cell: (r, s) => s.plain(r.provider) },
    {
      header: 'BASE URL',
      fit: 'truncate',
      drop: 2,
      cell: (r, s) => (r.base_url === null ? s.dim('default') : s.plain(r.base_url)),
    },
    { header: 'STORE', fit: 'fixed', drop: 1, cell: (r, s) => s.plain(r.store) },
  ],
  empty: 'no profiles; add one with: keywarden profile add <name> --provider <id>',
  line: (r) => [r.name, r.provider, r.base_url, r.store, r.current ? 'current' : ''],
  json: (r) => r,
};

async function list(ctx: Context): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  const config = await ctx.services.config.load();
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    provider: p.provider,
    base_url: p.base_url ?? null,
    store: p.store ?? 'keychain',
    current: config.current === name,
  }));
  await out.rows(profilesView, rows);
  return done;
}

const storeOption = choice('--store <store>', 'where its secrets go: keychain (default) or file', [
  'keychain',
  'file',
] as const satisfies readonly StoreKind[]);
const setOption = repeated(
  '--set <name=value>',
  'a setting its provider needs, e.g. account_sid=AC...; repeat for more',
);
const profileOptions = { store: storeOption, set: setOption };
const named = { name: required('<name>', 'the profile', 'profiles') };
type Named = Input<{ arguments: typeof named }>;
type Edit = Input<{ arguments: typeof named; options: typeof profileOptions }>;

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
      throw new UsageError(
        `--set: ${definition.id} has no setting ${name}`,
        known.length > 0 ? `its settings: ${known.join(', ')}` : `${definition.id} takes no settings`,
      );
    }
    const value = pair.slice(at + 1);
    if (declared.pattern !== undefined && !new RegExp(declared.pattern).test(value)) {
      throw new UsageError(
        `--set: ${name} '${value}' is not ${declared.example ? `like ${declared.example}` : 'well-formed'}`,
        declared.description,
      );
    }
    settings[name] = value;
  }
  return settings;
}

async function add(ctx: Context, { name, ...options }: Edit): Promise<Outcome> {
  if (!profileNamePattern.test(name)) {
    throw new UsageError(
      `'${name}' is not a profile name`,
      'use letters, digits, dot, dash and underscore, starting with a letter or digit',
    );
  }
  const provider = ctx.globals.provider;
  if (!provider)
    throw new UsageError('profile add needs --provider', 'for example: keywarden profile add prod --provider dialnexa');
  const definition = await providerDefinition(provider, ctx);
  const baseUrl = ctx.globals.baseUrl ? checkBaseUrl(ctx.globals.baseUrl, '--base-url') : undefined;
  const { store } = options;
  const settings = givenSettings(definition, options.set);
  const config = await ctx.services.config.update((c) => {
    if (c.profiles[name])
      throw new UsageError(
        `profile '${name}' exists already`,
        `change it: keywarden profile set ${name} --base-url <url> --store <store> --set <name>=<value>`,
      );
    c.profiles[name] = {
      provider: providerReference(provider),
      ...(baseUrl ? { base_url: baseUrl } : {}),
      ...(store ? { store } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
    c.current ??= name;
  });
  ctx.note(
    `added profile ${name} (${definition.displayName}${baseUrl ? ` at ${baseUrl}` : ''})${config.current === name ? ', now current' : ''}`,
  );
  const missing = definition.settings.filter((s) => s.required && settings[s.name] === undefined);
  if (missing.length > 0)
    ctx.note(
      `note: ${definition.id} needs ${missing.map((s) => s.name).join(', ')}: keywarden profile set ${name} ${missing.map((s) => `--set ${s.name}=${s.example ?? '<value>'}`).join(' ')}`,
    );
  return done;
}

/** Changes a profile in place: its base URL, store or settings. Its stored admin token stays where it is. */
async function set(ctx: Context, { name, ...options }: Edit): Promise<Outcome> {
  const current = (await ctx.services.config.load()).profiles[name];
  if (!current) throw new UsageError(`no profile '${name}'`, `add it: keywarden profile add ${name} --provider <id>`);
  const baseUrl = ctx.globals.baseUrl;
  if (baseUrl === undefined && options.store === undefined && (options.set ?? []).length === 0) {
    throw new UsageError(
      'profile set changes nothing without --base-url, --store or --set',
      `for example: keywarden profile set ${name} --base-url https://api.example.com/v1`,
    );
  }
  const definition = await providerDefinition(current.provider, ctx);
  const checkedUrl = baseUrl === undefined ? undefined : checkBaseUrl(baseUrl, '--base-url');
  const { store } = options;
  const settings = givenSettings(definition, options.set);
  await ctx.services.config.update((c) => {
    const entry = c.profiles[name]!;
    if (checkedUrl !== undefined) entry.base_url = checkedUrl;
    if (store !== undefined) entry.store = store;
    if (Object.keys(settings).length > 0) entry.settings = { ...entry.settings, ...settings };
  });
  const changed = [
    checkedUrl && `base URL ${checkedUrl}`,
    store && `store ${store}`,
    ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  ctx.note(`changed profile ${name}: ${changed.join(', ')}`);
  return done;
}

/** Removes a profile, and its stored admin token, which nothing could reach without the profile. */
async function remove(ctx: Context, { name }: Named): Promise<Outcome> {
  await ctx.services.config.update((c) => {
    if (!c.profiles[name]) throw new UsageError(`no profile '${name}'`);
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the config's profiles are a table by name
    delete c.profiles[name];
    if (c.current === name) delete c.current;
  });
  ctx.note(`removed profile ${name}`);
  try {
    if (await ctx.services.keeper.forgetAdminToken({ name }, { indexedOnly: true }))
      ctx.note('removed its stored admin token');
  } catch (error) {
    ctx.note(`keywarden: warning: its stored admin token was not removed: ${(error as Error).message}`);
  }
  return done;
}

async function use(ctx: Context, { name }: Named): Promise<Outcome> {
  await ctx.services.config.update((c) => {
    if (!c.profiles[name]) {
      throw new UsageError(
        `no profile '${name}'`,
        Object.keys(c.profiles).length ? `profiles: ${Object.keys(c.profiles).join(', ')}` : undefined,
      );
    }
    c.current = name;
  });
  ctx.note(`profile ${name} is now current`);
  return done;
}

export const profileCommand = command({
  name: 'profile',
  group: 'setup',
  summary: 'profiles in the config file: a provider, its base URL, settings and secret store',
  examples: [{ note: 'the profiles, the current one marked', command: 'keywarden profile list' }],
  subcommands: [
    command({
      name: 'list',
      summary: 'the profiles, the current one marked',
      examples: [{ note: 'as JSON', command: 'keywarden profile list -o json' }],
      run: list,
    }),
    command({
      name: 'add',
      summary: 'add a profile for a provider',
      description:
        'Adds a profile: a provider (built in, or a manifest path), its base URL where it is not the default, the settings the provider needs and where secrets go. The first profile becomes the current one.',
      arguments: { name: required('<name>', 'the new profile') },
      options: profileOptions,
      examples: [
        { note: 'a provider at its default base URL', command: 'keywarden profile add billing --provider dialnexa' },
        {
          note: 'Twilio, with the account its keys belong to',
          command: 'keywarden profile add sms --provider twilio --set account_sid=AC0123456789abcdef0123456789abcdef',
        },
        {
          note: 'a self-hosted API, its secrets in the encrypted file',
          command:
            'keywarden profile add internal --provider edgedns --base-url https://edgedns.internal.example/v1 --store file',
        },
      ],
      run: add,
    }),
    command({
      name: 'set',
      summary: 'change a profile in place; its stored admin token stays',
      arguments: named,
      options: profileOptions,
      examples: [
        {
          note: 'point a profile at another base URL',
          command: 'keywarden profile set prod --base-url https://edgedns.eu.example/v1',
        },
      ],
      run: set,
    }),
    command({
      name: 'remove',
      summary: 'remove a profile and its stored admin token',
      arguments: named,
      examples: [{ note: 'the staging profile', command: 'keywarden profile remove staging' }],
      run: remove,
    }),
    command({
      name: 'use',
      summary: 'make a profile the current one',
      arguments: named,
      examples: [
        { note: 'commands without --profile use staging from now on', command: 'keywarden profile use staging' },
      ],
      run: use,
    }),
  ],
});
