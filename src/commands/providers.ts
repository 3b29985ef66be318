import type { Context } from '../context.js';
import { builtinProviders } from '../providers/registry.js';
import type { Capabilities } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
import { safeJson, tsvField } from '../render/inert.js';

const capabilityNames: Record<keyof Capabilities, string> = {
  expiry: 'expiry',
  expireNow: 'expire-now',
  scopes: 'scopes',
  environments: 'environments',
  ipAllowlist: 'ip-allowlist',
  usageTracking: 'usage',
  idempotentCreate: 'idempotent-create',
  principal: 'principal',
  names: 'names',
};

function capabilityList(capabilities: Capabilities): string[] {
  return (Object.keys(capabilityNames) as (keyof Capabilities)[]).filter((c) => capabilities[c]).map((c) => capabilityNames[c]);
}

/** providers: the built-in providers, their default base URLs and what each can do. */
export async function run(ctx: Context): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json'] as const);
  if (format === 'json') {
    const doc = builtinProviders.map((p) => ({ id: p.id, name: p.displayName, default_base_url: p.defaultBaseUrl, capabilities: p.capabilities }));
    await ctx.out(`${safeJson(doc, 2)}\n`);
    return 0;
  }
  const rows = builtinProviders.map((p) => [p.id, p.displayName, p.defaultBaseUrl, capabilityList(p.capabilities).join(', ')]);
  if (!ctx.stdoutIsTerminal) {
    for (const row of rows) await ctx.out(`${row.map(tsvField).join('\t')}\n`);
    return 0;
  }
  const { Terminal } = await import('../render/terminal.js');
  await ctx.out(new Terminal(ctx).table(['ID', 'NAME', 'DEFAULT BASE URL', 'CAPABILITIES'], rows));
  return 0;
}
