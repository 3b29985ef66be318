import { randomUUID } from 'node:crypto';
import type { Key, KeyStatus } from '../providers/types.js';

/**
 * Keys as a CycloneDX 1.6 inventory (a CBOM): one JSON document, each key a `cryptographic-asset` component of
 * asset type `related-crypto-material`. It is built from the key records the other formats show, which hold no
 * secret; the caller writes it with safeJson. The schema's own enums decide the values: there is no `api-key` type
 * (an API key is a `token`, "an object encapsulating a security identity") and no `revoked` or `expired` state
 * (NIST SP 800-57 calls a key that may no longer be used `deactivated`), so keywarden's own words go in properties.
 */

/** A CycloneDX property: keywarden's fields are named `keywarden:...`; a name may repeat (one scope each). */
export interface BomProperty {
  name: string;
  value: string;
}

export interface InventoryInput {
  keys: readonly Key[];
  /** when the inventory was taken: metadata.timestamp */
  now: Date;
  /** keywarden's version, for metadata.tools */
  version: string;
  /** the provider's display name, as supplier.name */
  supplier: (key: Key) => string;
  /** more properties of one key (an audit's findings) */
  keyProperties?: (key: Key) => BomProperty[];
  /** properties of the whole document (profiles an audit could not read) */
  properties?: BomProperty[];
}

/** keywarden's statuses as the schema's key states. */
export const bomStates: Record<KeyStatus, 'active' | 'deactivated'> = {
  active: 'active',
  expired: 'deactivated',
  revoked: 'deactivated',
};

/** What identifies a key in the document: unique per profile and key id. */
export function keyBomRef(key: Pick<Key, 'profile' | 'id'>): string {
  return `keywarden:key:${encodeURIComponent(key.profile)}/${encodeURIComponent(key.id)}`;
}

export function keyInventory(input: InventoryInput): object {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: input.now.toISOString(),
      lifecycles: [{ phase: 'operations' }],
      tools: { components: [{ type: 'application', name: 'keywarden', version: input.version }] },
      ...(input.properties && input.properties.length > 0 ? { properties: input.properties } : {}),
    },
    components: input.keys.map((key) => component(key, input)),
  };
}

function component(key: Key, input: InventoryInput): object {
  const dates = {
    creationDate: key.created_at,
    // a key works from the moment it is issued
    activationDate: key.created_at,
    expirationDate: key.expires_at,
  };
  return {
    type: 'cryptographic-asset',
    'bom-ref': keyBomRef(key),
    name: key.name || key.id,
    supplier: { name: input.supplier(key) },
    cryptoProperties: {
      assetType: 'related-crypto-material',
      relatedCryptoMaterialProperties: {
        type: 'token',
        id: key.id,
        state: bomStates[key.status],
        ...Object.fromEntries(Object.entries(dates).filter(([, value]) => value !== null)),
      },
    },
    properties: [...keyProperties(key), ...(input.keyProperties?.(key) ?? [])],
  };
}

/** The record's fields the crypto properties have no place for; a field the provider does not have is left out. */
function keyProperties(key: Key): BomProperty[] {
  const fields: [name: string, value: string | null][] = [
    ['kind', 'api-key'],
    ['provider', key.provider],
    ['profile', key.profile],
    ['status', key.status],
    ['prefix', key.prefix],
    ['hint', key.hint],
    ['environment', key.environment],
    ['owner', key.owner],
    ['usageTracked', String(key.usage_tracked)],
    ['lastUsed', key.last_used_at],
    ['revokedAt', key.revoked_at],
  ];
  return [
    ...fields.flatMap(([name, value]) => (value === null ? [] : [{ name: `keywarden:${name}`, value }])),
    ...key.scopes.map((scope) => ({ name: 'keywarden:scope', value: scope })),
    ...(key.ip_allowlist ?? []).map((range) => ({ name: 'keywarden:ipAllowlist', value: range })),
  ];
}
