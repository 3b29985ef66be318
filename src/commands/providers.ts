import type { Context } from '../context.js';
import { builtinProviders } from '../providers/registry.js';
import { capabilitiesDoc, capabilityList } from '../providers/capabilities.js';
import type { ProviderDefinition } from '../providers/types.js';
import { done, type Outcome } from '../outcome.js';
import type { RecordsView } from '../render/present.js';
import { validateCommand } from './providers-validate.js';
import { command } from '../command-spec.js';

const noDefault = 'none: each profile gives one';

const providersView: RecordsView<ProviderDefinition> = {
  columns: [
    { header: 'ID', fit: 'fixed', cell: (p, s) => s.plain(p.id) },
    { header: 'NAME', fit: 'truncate', cell: (p, s) => s.plain(p.displayName) },
    {
      header: 'DEFAULT BASE URL',
      fit: 'truncate',
      drop: 1,
      cell: (p, s) => (p.defaultBaseUrl === null ? s.dim(noDefault) : s.plain(p.defaultBaseUrl)),
    },
    { header: 'CAPABILITIES', fit: 'wrap', cell: (p, s) => s.plain(capabilityList(p.capabilities).join(', ')) },
    {
      header: 'SETTINGS',
      fit: 'truncate',
      drop: 2,
      cell: (p, s) => s.orDash(p.settings.map((setting) => setting.name).join(', ')),
    },
  ],
  empty: 'no providers',
  line: (p) => [
    p.id,
    p.displayName,
    p.defaultBaseUrl ?? noDefault,
    capabilityList(p.capabilities).join(', '),
    p.settings.map((s) => s.name).join(', '),
  ],
  json: (p) => ({
    id: p.id,
    name: p.displayName,
    default_base_url: p.defaultBaseUrl,
    capabilities: capabilitiesDoc(p.capabilities),
    settings: p.settings.map((s) => ({ name: s.name, description: s.description, required: s.required })),
  }),
};

/** providers: the built-in providers, their default base URLs, the settings they need and what each can do. */
async function providers(ctx: Context): Promise<Outcome> {
  await ctx.presenter(['table', 'json'] as const).rows(providersView, builtinProviders());
  return done;
}

export const providersCommand = command({
  name: 'providers',
  group: 'setup',
  summary: 'the built-in providers: default base URLs, settings and what each can do',
  examples: [
    { note: 'every built-in provider', command: 'keywarden providers' },
    { note: 'as JSON, capabilities included', command: 'keywarden providers -o json' },
  ],
  run: providers,
  subcommands: [validateCommand],
});
