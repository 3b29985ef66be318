import type { Capabilities } from './types.js';

/** Capabilities as keywarden shows them everywhere, in JSON and tables: in snake_case, as manifests name them. */
const shownNames: Record<keyof Capabilities, string> = {
  create: 'create',
  revoke: 'revoke',
  nativeRotate: 'native_rotate',
  names: 'names',
  expiry: 'expiry',
  expireNow: 'expire_now',
  scopes: 'scopes',
  environments: 'environments',
  ipAllowlist: 'ip_allowlist',
  principal: 'principal',
  usageTracking: 'usage_tracking',
  idempotentCreate: 'idempotent_create',
};

const order = Object.keys(shownNames) as (keyof Capabilities)[];

/** Every capability by its shown name, true or false. */
export function capabilitiesDoc(capabilities: Capabilities): Record<string, boolean> {
  return Object.fromEntries(order.map((c) => [shownNames[c], capabilities[c]]));
}

/** The names of the capabilities a provider has. */
export function capabilityList(capabilities: Capabilities): string[] {
  return order.filter((c) => capabilities[c]).map((c) => shownNames[c]);
}
