import type { CreateRequest, KeyRecord } from '../../src/providers/types.js';
import type { SimKey, SimProviderId } from '../../src/sandbox/model.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const expired = (k: SimKey, now: number): boolean => k.expiresAt !== null && k.expiresAt <= now;

/**
 * What each adapter must make of each simulated key: an oracle written from the provider's documentation,
 * independently of the adapter, so that a field the adapter drops or mis-maps fails the suite.
 */
export interface Expectation {
  /** whether the provider's list shows this key at all */
  listed(key: SimKey): boolean;
  record(key: SimKey, now: number): KeyRecord;
  /** a create the provider rejects as invalid, when the adapter can send one */
  invalidCreate?: CreateRequest;
  /** a create using every option the provider takes */
  fullCreate: CreateRequest;
  /** whether a revoked key stays listed (and how) or disappears */
  afterRevoke: 'gone' | 'revoked' | 'expired';
  /** pages a full listing of the suite's seeded keys needs */
  pagesFor(keys: number): number;
}

const base = {
  name: null,
  created_at: null,
  last_used_at: null,
  expires_at: null,
  revoked_at: null,
  prefix: null,
  hint: null,
  environment: null,
  scopes: [],
  owner: null,
  ip_allowlist: null,
};

export const expectations: Record<SimProviderId, Expectation> = {
  dialnexa: {
    listed: () => true,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: k.revokedAt !== null || expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      last_used_at: iso(k.lastUsedAt),
      usage_tracked: true,
    }),
    invalidCreate: { name: '   ' },
    fullCreate: { name: 'conformance full', expireNow: true },
    afterRevoke: 'expired',
    pagesFor: (keys) => Math.ceil(keys / 100),
  },
  dakota: {
    listed: () => true,
    record: (k) => ({
      ...base,
      id: k.id,
      status: 'active',
      created_at: iso(Math.floor(k.createdAt / 1000) * 1000),
      hint: k.secret.slice(-6),
      owner: k.owner,
      usage_tracked: false,
    }),
    fullCreate: { name: 'conformance full', idempotencyKey: 'f5a0c7e2-0d5e-4a7c-9f57-1c1d2b3a4e5f' },
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.ceil(keys / 100),
  },
  edgedns: {
    listed: (k) => k.revokedAt === null,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      last_used_at: iso(k.lastUsedAt),
      expires_at: iso(k.expiresAt),
      prefix: `edns_${k.environment}_`,
      hint: k.secret.slice(-4),
      environment: k.environment,
      scopes: k.scopes,
      ip_allowlist: k.ipAllowlist,
      usage_tracked: true,
    }),
    invalidCreate: { name: 'bad environment', environment: 'production' },
    fullCreate: {
      name: 'conformance full',
      environment: 'test',
      scopes: ['dns:read', 'dns:write'],
      ipAllowlist: ['198.51.100.7/32'],
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    },
    afterRevoke: 'gone',
    pagesFor: () => 1,
  },
  cobo: {
    listed: () => true,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: k.revokedAt !== null ? 'revoked' : expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      last_used_at: iso(k.lastUsedAt),
      expires_at: iso(k.expiresAt),
      revoked_at: iso(k.revokedAt),
      prefix: k.secret.slice(0, 8),
      scopes: k.scopes,
      owner: k.owner,
      usage_tracked: true,
    }),
    invalidCreate: { name: 'x'.repeat(300) },
    fullCreate: {
      name: 'conformance full',
      scopes: ['wallet:read'],
      principal: '0b7e4c1a-3f2d-4e5b-8a9c-1d2e3f4a5b6c',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    },
    afterRevoke: 'revoked',
    pagesFor: (keys) => Math.ceil(keys / 200),
  },
};
