import type { CreateRequest, KeyRecord } from '../../src/providers/types.js';
import { sandboxGithubOrg } from '../../src/sandbox/github-org.js';
import type { SandboxProviderId, SimKey } from '../../src/sandbox/model.js';
import { npmSandboxAccount } from '../../src/sandbox/npm.js';
import { sandboxTwilioAccountSid } from '../../src/sandbox/twilio.js';
import type { SpecVendor } from '../helpers/prism.js';
import type { AcmeKey } from '../manifest/acme-server.js';
import type { HeldKey, SeedKey } from './target.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;
const expired = (k: SimKey, now: number): boolean => k.expiresAt !== null && k.expiresAt <= now;
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

/** A key of the account that may not manage keys, and how the provider says so. */
export interface Forbidden {
  /** the secret of a key it puts on the server, as the admin token of a profile */
  token(seed: (key: SeedKey) => HeldKey): string;
  /** the call the provider refuses it */
  refused: 'list' | 'create';
  message: RegExp;
}

/**
 * What a provider must make of each key its server holds (`K`, in the server's own form): an oracle written from the
 * provider's documentation, independently of its manifest, so that a field the manifest drops or mis-maps fails the
 * suite.
 */
export interface Expectation<K = SimKey> {
  /** whether the provider's list shows this key at all */
  listed(key: K): boolean;
  record(key: K, now: number): KeyRecord;
  /** a create the provider rejects as invalid, when keywarden can send one */
  invalidCreate?: CreateRequest;
  /** a create using every option the provider takes; absent where the provider has no create */
  fullCreate?: CreateRequest;
  /** whether a revoked key stays listed (and how) or disappears */
  afterRevoke: 'gone' | 'revoked' | 'expired';
  /** requests a full listing of the suite's seeded keys needs: exactly, or a range where the walk adapts to the keys */
  pagesFor(keys: number): number | { atLeast: number; atMost: number };
  /** keys seeded into the simulated account: fewer where the provider caps how many an account holds */
  seededKeys?: number;
  /** the profile settings the provider needs, as the sandbox's account has them (simulator.ts gives them to the suite) */
  settings?: Record<string, string>;
  /** what a create asks for besides the admin token, as the sandbox's account has it */
  credentials?: Record<string, string>;
  /** the admin token as the provider takes it, made from the server's */
  adminToken?(serverToken: string): string;
  /** an id of the provider's form that it never issued */
  unknownId?: string;
  /** how the provider answers a wrong admin token; default 401, an auth failure */
  wrongToken?: { status: 401 | 403; kind: 'auth' | 'forbidden' };
  /** a key that may not manage keys; or why the provider has no such key */
  forbidden?: Forbidden | { none: string };
  /** the vendor's published OpenAPI description, which the suite's requests and answers are also checked against */
  spec?: SpecVendor;
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

export const expectations: Record<SandboxProviderId, Expectation> = {
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
    unknownId: '2B5J8KZ9N7M1K3P6Q8R4T7V9abc',
    // the oldest key is asked for beside the first page; the rest is walked in parts of the creation time range
    // (the suite lists 4 at once), each at most a page more than its share
    pagesFor: (keys) => ({ atLeast: 1 + Math.ceil(keys / 100), atMost: 1 + Math.ceil(keys / 100) + 4 }),
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
  npm: {
    listed: () => true,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      expires_at: iso(k.expiresAt),
      prefix: k.secret.slice(0, 6),
      ip_allowlist: k.ipAllowlist,
      usage_tracked: false,
    }),
    invalidCreate: { name: 'bad range', ipAllowlist: ['203.0.113.0/33'] },
    fullCreate: { name: 'conformance full', ipAllowlist: ['198.51.100.7/32'] },
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.ceil(keys / 9999),
    credentials: { password: npmSandboxAccount.password },
    unknownId: 'a'.repeat(128),
    forbidden: {
      token: (seed) => seed({ name: 'read only', scopes: ['read-only'] }).secret,
      refused: 'create',
      message: /403 This token is read-only and cannot manage tokens/,
    },
  },
  sendgrid: {
    listed: () => true,
    // the list shows ids and names only
    record: (k) => ({ ...base, id: k.id, name: k.name, status: 'active', usage_tracked: false }),
    invalidCreate: { name: 'x'.repeat(101) },
    fullCreate: { name: 'conformance full', scopes: ['mail.send', 'stats.read'] },
    afterRevoke: 'gone',
    pagesFor: () => 1,
    // an account holds at most 100 keys
    seededKeys: 60,
    unknownId: 'NoSuchKey0000000000000',
    forbidden: {
      token: (seed) => seed({ name: 'mail only', scopes: ['mail.send'] }).secret,
      refused: 'list',
      message: /403 access forbidden/,
    },
    spec: 'sendgrid',
  },
  vercel: {
    listed: () => true,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      // Vercel's activeAt is the latest use, or the creation of a token never used
      last_used_at: iso(k.lastUsedAt ?? k.createdAt),
      expires_at: iso(k.expiresAt),
      usage_tracked: true,
    }),
    invalidCreate: { name: 'already over', expiresAt: new Date(Date.now() - 86_400_000).toISOString() },
    fullCreate: { name: 'conformance full', expiresAt: inDays(30) },
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.max(1, Math.ceil(keys / 100)),
    unknownId: '0'.repeat(64),
    wrongToken: { status: 403, kind: 'forbidden' },
    forbidden: { none: "every Vercel token acts with its user's full access, so any may manage the others" },
    spec: 'vercel',
  },
  launchdarkly: {
    listed: () => true,
    record: (k) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: 'active',
      created_at: iso(k.createdAt),
      last_used_at: iso(k.lastUsedAt),
      // the list shows the secret's last four characters
      hint: k.secret.slice(-4),
      scopes: [k.scopes[0] ?? 'reader'],
      owner: k.owner,
      usage_tracked: true,
    }),
    invalidCreate: { name: 'no such role', scopes: ['owner'] },
    fullCreate: { name: 'conformance full', scopes: ['writer'] },
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.max(1, Math.ceil(keys / 1000)),
    unknownId: '0'.repeat(24),
    forbidden: {
      token: (seed) => seed({ name: 'a reader', scopes: ['reader'], owner: '5f0c5c2a8e9b1d0012a4b7c3' }).secret,
      refused: 'list',
      message: /403 Only admins may list the tokens of every member/,
    },
    spec: 'launchdarkly',
  },
  twilio: {
    listed: () => true,
    record: (k) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: 'active',
      created_at: iso(toSecond(k.createdAt)),
      usage_tracked: false,
    }),
    invalidCreate: { name: 'x'.repeat(65) },
    fullCreate: { name: 'conformance full' },
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.max(1, Math.ceil(keys / 1000)),
    settings: { account_sid: sandboxTwilioAccountSid },
    unknownId: `SK${'0'.repeat(32)}`,
    forbidden: {
      none: 'keywarden signs in as the account (its SID is the Basic user), and an account may always manage its keys',
    },
    spec: 'twilio',
  },
  mux: {
    listed: () => true,
    record: (k) => ({
      ...base,
      id: k.id,
      status: 'active',
      created_at: iso(toSecond(k.createdAt)),
      usage_tracked: false,
    }),
    fullCreate: { name: 'conformance full' },
    afterRevoke: 'gone',
    // pages until one comes back short (a full last page is followed by an empty one)
    pagesFor: (keys) => Math.floor(keys / 100) + 1,
    adminToken: (token) => `kw-conformance-token-id:${token}`,
    unknownId: 'NoSuchSigningKey00000000000000000000000000',
    forbidden: { none: 'an access token is either valid for signing keys or refused as a wrong one (401)' },
    spec: 'mux',
  },
  'github-org': {
    // a revoked grant leaves the list
    listed: (k) => k.revokedAt === null,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.name,
      status: expired(k, now) ? 'expired' : 'active',
      created_at: iso(k.createdAt),
      last_used_at: iso(k.lastUsedAt),
      expires_at: iso(k.expiresAt),
      owner: k.owner,
      usage_tracked: true,
    }),
    afterRevoke: 'gone',
    pagesFor: (keys) => Math.max(1, Math.ceil(keys / 100)),
    settings: { org: sandboxGithubOrg },
    unknownId: '999',
    forbidden: {
      token: (seed) => seed({ name: 'a member token', scopes: ['repository:metadata:read'] }).secret,
      refused: 'list',
      message: /403 Resource not accessible by personal access token/,
    },
    spec: 'github-org',
  },
};

/**
 * Acme Cloud, the provider of the third-party manifest test/manifest/fixtures/acme.json, as test/manifest/acme-server.ts
 * documents it: disabled keys stay listed (the manifest asks for them), a comma-string scope list, unix-millisecond
 * creation times, and Link pages of at most the server's page cap.
 */
export function acmeExpectation(pageCap: number): Expectation<AcmeKey> {
  const states = { enabled: 'active', disabled: 'revoked', expired: 'expired' } as const;
  return {
    listed: () => true,
    record: (k, now) => ({
      ...base,
      id: k.id,
      name: k.label,
      status: k.state === 'enabled' && k.expires !== null && Date.parse(k.expires) <= now ? 'expired' : states[k.state],
      created_at: iso(k.created),
      last_used_at: k.last_seen_at,
      expires_at: k.expires,
      revoked_at: k.disabled_at,
      hint: k.token_tail,
      scopes: k.scopes === '' ? [] : k.scopes.split(','),
      owner: k.created_by.id,
      usage_tracked: true,
    }),
    invalidCreate: { name: '   ' },
    fullCreate: { name: 'conformance full', scopes: ['keys:read', 'keys:write'], expiresAt: inDays(30) },
    afterRevoke: 'revoked',
    pagesFor: (keys) => Math.max(1, Math.ceil(keys / pageCap)),
    forbidden: {
      none: 'the Acme server takes only the admin token of the organisation; any other is a wrong one (401)',
    },
  };
}
