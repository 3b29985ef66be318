import type { Context } from '../context.js';
import { builtinProviders } from '../providers/registry.js';
import { capabilitiesDoc, capabilityList } from '../providers/capabilities.js';
import type { ProviderDefinition } from '../providers/types.js';
import type { RecordsView } from '../render/present.js';

const noDefault = 'none: each profile gives one';

const providersView: RecordsView<ProviderDefinition> = {
  columns: [
    { header: 'ID', fit: 'fixed', cell: (p, s) => s.plain(p.id) },
    { header: 'NAME', fit: 'truncate', cell: (p, s) => s.plain(p.displayName) },
    { header: 'DEFAULT BASE URL', fit: 'truncate', drop: 1, cell: (p, s) => (p.defaultBaseUrl === null ? s.dim(noDefault) : s.plain(p.defaultBaseUrl)) },
    { header: 'CAPABILITIES', fit: 'wrap', cell: (p, s) => s.plain(capabilityList(p.capabilities).join(', ')) },
    { header: 'SETTINGS', fit: 'truncate', drop: 2, cell: (p, s) => s.orDash(p.settings.map((setting) => setting.name).join(', ')) },
  ],
  empty: 'no providers',
  line: (p) => [p.id, p.displayName, p.defaultBaseUrl ?? noDefault, capabilityList(p.capabilities).join(', '), p.settings.map((s) => s.name).join(', ')],
  json: (p) => ({
    id: p.id,
    name: p.displayName,
    default_base_url: p.defaultBaseUrl,
    capabilities: capabilitiesDoc(p.capabilities),
    settings: p.settings.map((s) => ({ name: s.name, description: s.description, required: s.required })),
  }),
};

/** providers: the built-in providers, their default base URLs, the settings they need and what each can do. */
export async function run(ctx: Context): Promise<number> {
  await ctx.presenter(['table', 'json'] as const).rows(providersView, builtinProviders());
  return 0;
}
