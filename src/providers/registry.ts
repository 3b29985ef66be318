import { cobo } from './cobo.js';
import { dakota } from './dakota.js';
import { dialnexa } from './dialnexa.js';
import { edgedns } from './edgedns.js';
import type { ProviderDefinition } from './types.js';

export const builtinProviders: readonly ProviderDefinition[] = [dialnexa, dakota, edgedns, cobo];

export function builtinProvider(id: string): ProviderDefinition | undefined {
  return builtinProviders.find((p) => p.id === id);
}
