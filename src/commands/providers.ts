import type { Context } from '../context.js';
import { builtinProviders } from '../providers/registry.js';
import { capabilitiesDoc, capabilityList } from '../providers/capabilities.js';
import type { ProviderDefinition } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
import { safeJson, tsvField } from '../render/inert.js';

function providerDoc(p: ProviderDefinition) {
  return {
    id: p.id,
    name: p.displayName,
    default_base_url: p.defaultBaseUrl,
    capabilities: capabilitiesDoc(p.capabilities),
    settings: p.settings.map((s) => ({ name: s.name, description: s.description, required: s.required })),
  };
}

/** providers: the built-in providers, their default base URLs, the settings they need and what each can do. */
export async function run(ctx: Context): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json'] as const);
  const providers = builtinProviders();
  if (format === 'json') {
    await ctx.out(`${safeJson(providers.map(providerDoc), 2)}\n`);
    return 0;
  }
  const rows = providers.map((p) => [p.id, p.displayName, p.defaultBaseUrl ?? 'none: each profile gives one', capabilityList(p.capabilities).join(', '), p.settings.map((s) => s.name).join(', ')]);
  if (!ctx.stdoutIsTerminal) {
    for (const row of rows) await ctx.out(`${row.map(tsvField).join('\t')}\n`);
    return 0;
  }
  const { Terminal } = await import('../render/terminal.js');
  await ctx.out(new Terminal(ctx).table(['ID', 'NAME', 'DEFAULT BASE URL', 'CAPABILITIES', 'SETTINGS'], rows));
  return 0;
}
