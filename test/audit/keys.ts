import type { Capabilities, Key } from '../../src/providers/types.js';
import { builtinProvider } from '../../src/providers/registry.js';

/** The audit tests' clock: every key's times are set relative to it. */
export const now = new Date('2025-06-01T12:00:00.000Z');
export const dayMs = 86_400_000;

/** `days` before (negative: after) the test clock, as an ISO string as keywarden shows times. */
export function daysAgo(days: number, extraMs = 0): string {
  return new Date(now.getTime() - days * dayMs - extraMs).toISOString();
}

export function inDays(days: number, extraMs = 0): string {
  return new Date(now.getTime() + days * dayMs + extraMs).toISOString();
}

let counter = 0;

/** A live, recently used, unremarkable key; each test changes only what it is about. */
export function key(fields: Partial<Key> = {}): Key {
  counter += 1;
  return {
    provider: 'edgedns',
    profile: 'edgedns',
    id: `key_${String(counter).padStart(4, '0')}`,
    name: `Key ${counter}`,
    status: 'active',
    created_at: daysAgo(10),
    last_used_at: daysAgo(1),
    expires_at: inDays(60),
    revoked_at: null,
    prefix: null,
    hint: null,
    environment: 'live',
    scopes: ['dns:read'],
    owner: null,
    ip_allowlist: ['203.0.113.0/24'],
    usage_tracked: true,
    ...fields,
  };
}

export const everything: Capabilities = {
  create: true,
  revoke: true,
  nativeRotate: true,
  expiry: true,
  expireNow: true,
  scopes: true,
  environments: true,
  ipAllowlist: true,
  usageTracking: true,
  idempotentCreate: true,
  principal: true,
  names: true,
};

export function capabilitiesOf(provider: string): Capabilities {
  const definition = builtinProvider(provider);
  if (!definition) throw new Error(`no provider ${provider}`);
  return definition.capabilities;
}
