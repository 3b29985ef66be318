import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import { capabilityList } from '../../src/providers/capabilities.js';
import { builtinProviders } from '../../src/providers/registry.js';
import type { ProviderDefinition } from '../../src/providers/types.js';
import { runCli } from '../helpers/cli.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const tableHeader = '| id | provider | default base URL | can | needs |';

/** The README's row for a provider, as the registry describes it. */
function readmeRow(p: ProviderDefinition): string {
  const needs = [
    ...p.settings.map((s) => `setting \`${s.name}\` (${s.description})`),
    ...p.credentials.map(
      (c) => `\`${c.env}\`${c.prompt ? ' or a hidden prompt' : ''} at create${c.required ? '' : ', if set'}`,
    ),
  ];
  const base = p.defaultBaseUrl ?? 'none: each profile gives one';
  return `| \`${p.id}\` | ${p.displayName} | ${base} | ${capabilityList(p.capabilities).join(', ')} | ${needs.join('; ') || '-'} |`;
}

describe('providers', () => {
  test('lists the eleven built-in providers, one per manifest, with what each can do and needs', async () => {
    const { code, stdout } = await runCli(['providers', '-o', 'json']);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as {
      id: string;
      capabilities: Record<string, boolean>;
      settings: { name: string }[];
    }[];
    expect(listed.map((p) => p.id)).toEqual(builtinIds());
    expect(listed).toHaveLength(11);
    const byId = new Map(listed.map((p) => [p.id, p]));
    expect(byId.get('github-org')!.capabilities).toMatchObject({ create: false, revoke: true, native_rotate: false });
    expect(byId.get('launchdarkly')!.capabilities).toMatchObject({ create: true, native_rotate: true });
    expect(byId.get('twilio')!.settings.map((s) => s.name)).toEqual(['account_sid']);
  });

  test("the README's table of built-in providers is the registry's", () => {
    const lines = readme.split('\n');
    const header = lines.indexOf(tableHeader);
    expect(header).toBeGreaterThan(0);
    const end = lines.findIndex((line, i) => i > header && !line.startsWith('|'));
    const rows = lines.slice(header + 2, end);
    const table = builtinProviders().map(readmeRow);
    expect(rows, `the README's table should read:\n${table.join('\n')}`).toEqual(table);
  });
});
