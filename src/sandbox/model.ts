import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ksuid, randomString, uuid } from '../util/random.js';

/** One key as a simulator holds it; each provider's routes render it in that provider's own shape. */
export interface SimKey {
  id: string;
  name: string | null;
  secret: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  scopes: string[];
  environment: 'live' | 'test';
  ipAllowlist: string[];
  owner: string;
  rateLimitOverride: number | null;
  /** when the key last changed (renamed, reset), where a provider shows that; unset means its creation */
  updatedAt?: number;
  /** earlier secrets that still work until a time, after a reset that kept the old secret alive (LaunchDarkly) */
  retiredSecrets?: { secret: string; until: number }[];
}

/** The simulators of keywarden's built-in providers. */
export type SimProviderId = 'dialnexa' | 'dakota' | 'edgedns' | 'cobo';
/** The simulators of real vendors' key-management APIs, each modelled on the vendor's own documentation. */
export type VendorSimId = 'npm' | 'sendgrid' | 'vercel' | 'launchdarkly' | 'twilio' | 'mux' | 'github-org';
export type SandboxProviderId = SimProviderId | VendorSimId;

export interface NewKey {
  name: string | null;
  scopes?: string[];
  environment?: 'live' | 'test';
  ipAllowlist?: string[];
  expiresAt?: number | null;
  owner?: string;
  rateLimitOverride?: number | null;
}

const day = 86_400_000;
const names = [
  'Production Server',
  'Staging Server',
  'CI pipeline',
  'Billing worker',
  'Acme CRM Integration',
  'Data warehouse sync',
  'Mobile backend',
  'Support dashboard',
  'Analytics export',
  'Webhook relay',
  'Deploy bot',
  'Local development',
];
const scopeSets: Record<SimProviderId, string[][]> = {
  dialnexa: [[]],
  dakota: [[]],
  edgedns: [['dns:read'], ['dns:read', 'dns:write'], ['domain:read'], ['*'], ['dns:*'], []],
  cobo: [['wallet:read'], ['wallet:read', 'wallet:transfer'], ['*'], ['pact:*'], ['admin']],
};

/** How one vendor makes its keys: ids, secrets, scopes, and what its keys can be. */
interface VendorFormat {
  /** a new key's id and secret, drawn from the account's seeded generator */
  credentials(random: () => number): { id: string; secret: string };
  scopes: string[][];
  /** whether the vendor's keys can carry an expiry date */
  expires: boolean;
  /** whether a key may have no name */
  unnamed?: 'sometimes' | 'always';
  /** the members whose keys these are: the first is the one the admin token speaks for; unset means one generated owner */
  owners?: string[];
}

/** SendGrid's permission names; a key without scopes is a "Full Access" key. */
export const sendgridScopes = {
  full: [
    'alerts.create',
    'alerts.read',
    'api_keys.create',
    'api_keys.delete',
    'api_keys.read',
    'api_keys.update',
    'mail.send',
    'stats.read',
  ],
  keyManagement: ['api_keys.create', 'api_keys.delete', 'api_keys.read', 'api_keys.update'],
};

const base64Url = (random: () => number, length: number): string =>
  randomString(random, length, 'base62').replace(/[xz]/g, (c) => (c === 'x' ? '-' : '_'));

const vendorFormats: Record<VendorSimId, VendorFormat> = {
  // npm_ + 36 characters; the registry's key is the hex sha512 of the token, so a token names its own key
  npm: {
    credentials(random) {
      const secret = `npm_${randomString(random, 36, 'base62')}`;
      return { id: createHash('sha512').update(secret).digest('hex'), secret };
    },
    scopes: [['read-write'], ['read-write'], ['read-only']],
    expires: true,
    unnamed: 'sometimes',
    owners: ['keywarden-sandbox'],
  },
  // SG.<the key's 22-character id>.<43 characters>: the id is the middle part of the secret
  sendgrid: {
    credentials(random) {
      const id = base64Url(random, 22);
      return { id, secret: `SG.${id}.${base64Url(random, 43)}` };
    },
    scopes: [
      [],
      ['mail.send'],
      ['mail.send', 'stats.read'],
      ['alerts.read', 'stats.read'],
      sendgridScopes.keyManagement,
    ],
    expires: false,
  },
  // ids are 64 hex characters; tokens are 24 characters
  vercel: {
    credentials: (random) => ({ id: randomString(random, 64, 'hex'), secret: randomString(random, 24, 'base62') }),
    scopes: [['user'], ['user'], ['team:team_kwSandboxTeam0001']],
    expires: true,
  },
  // ids are 24-hex object ids; secrets are api-<uuid>; the scope is the token's built-in role
  launchdarkly: {
    credentials: (random) => ({ id: randomString(random, 24, 'hex'), secret: `api-${uuid(random)}` }),
    scopes: [['reader'], ['writer'], ['writer'], ['admin']],
    expires: false,
    owners: ['5f0c5c2a8e9b1d0012a4b7c1', '5f0c5c2a8e9b1d0012a4b7c2', '5f0c5c2a8e9b1d0012a4b7c3'],
  },
  // key SIDs are SK + 32 hex; secrets are 32 characters
  twilio: {
    credentials: (random) => ({
      id: `SK${randomString(random, 32, 'hex')}`,
      secret: randomString(random, 32, 'base62'),
    }),
    scopes: [[]],
    expires: false,
    unnamed: 'sometimes',
  },
  // ids are 43 characters; the secret is a base64 private key (see mux.ts: a seeded one is a stand-in, not a real RSA key)
  mux: {
    credentials: (random) => {
      const pem = `-----BEGIN RSA PRIVATE KEY-----\n${randomString(random, 64, 'base62')}\n-----END RSA PRIVATE KEY-----\n`;
      return { id: randomString(random, 43, 'base62'), secret: Buffer.from(pem).toString('base64') };
    },
    scopes: [[]],
    expires: false,
    unnamed: 'always',
  },
  // grants are numbered; the token is github_pat_ + 22 + _ + 59 characters; scopes are the token's permissions
  'github-org': {
    credentials: (random) => ({
      id: String(1_000_000 + Math.floor(random() * 9_000_000)),
      secret: `github_pat_11${randomString(random, 20, 'base62')}_${randomString(random, 59, 'base62')}`,
    }),
    scopes: [
      ['repository:metadata:read', 'repository:contents:read'],
      ['repository:metadata:read', 'repository:contents:write', 'repository:pull_requests:write'],
      ['organization:members:read', 'repository:metadata:read'],
      ['repository:metadata:read', 'repository:issues:write'],
    ],
    expires: true,
    owners: ['kw-ana', 'kw-ben', 'kw-chidi', 'kw-dana'],
  },
};

export function isVendorSim(provider: SandboxProviderId): provider is VendorSimId {
  return provider in vendorFormats;
}

/** The keys of one simulated provider account, with the id and secret formats of that provider. */
export class SimAccount {
  readonly keys: SimKey[] = [];
  /** the member the account's keys belong to, and the one the admin token speaks for */
  readonly ownerId: string;
  private sorted: NewestFirst | undefined;

  constructor(
    readonly provider: SandboxProviderId,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.ownerId = isVendorSim(provider)
      ? (vendorFormats[provider].owners?.[0] ?? `${provider}-sandbox-user`)
      : this.newId(provider, now());
  }

  seed(count: number): void {
    const now = this.now();
    for (let i = 0; i < count; i++) {
      const r = this.random;
      const age = Math.floor(r() * 400 * day) + day;
      const createdAt = now - age;
      const environment = r() < 0.7 ? 'live' : 'test';
      const key = this.build(
        {
          name: names[i % names.length]! + (i >= names.length ? ` ${Math.floor(i / names.length) + 1}` : ''),
          scopes: pick(r, isVendorSim(this.provider) ? vendorFormats[this.provider].scopes : scopeSets[this.provider]),
          environment,
          ipAllowlist: r() < 0.3 ? ['203.0.113.0/24'] : [],
          expiresAt: r() < 0.4 ? createdAt + Math.floor(r() * 500 * day) : null,
          rateLimitOverride: r() < 0.2 ? 600 : null,
        },
        createdAt,
        randomString(r, 32, 'base62'),
      );
      key.lastUsedAt = r() < 0.75 ? createdAt + Math.floor(r() * (now - createdAt)) : null;
      if (r() < 0.1) key.revokedAt = createdAt + Math.floor(r() * (now - createdAt));
      if (this.provider === 'dakota') {
        // Dakota keys never expire, and a revoked one is deleted
        key.expiresAt = null;
        key.revokedAt = null;
      }
      if (isVendorSim(this.provider)) this.asVendorMakesIt(key, vendorFormats[this.provider]);
      this.keys.push(key);
    }
    this.keys.sort((a, b) => a.createdAt - b.createdAt);
  }

  create(request: NewKey): SimKey {
    const key = this.build(request, this.now(), randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'), unseeded);
    this.keys.push(key);
    return key;
  }

  /**
   * Keys newest first, as every provider here lists them by default. Listing 100,000 keys is 1,000 requests, so the
   * order is kept while `keys` is unchanged; tests change it directly (push, splice, `key.createdAt = ...`), so each
   * call checks that in one pass, about half the cost of copying and sorting again.
   */
  newestFirst(): SimKey[] {
    if (!this.sorted?.isOrderOf(this.keys)) this.sorted = new NewestFirst(this.keys);
    return this.sorted.order.slice();
  }

  /** Where newestFirst() puts the key with this id, or -1: a cursor lookup without a scan. */
  newestFirstIndex(id: string): number {
    if (!this.sorted?.isOrderOf(this.keys)) this.sorted = new NewestFirst(this.keys);
    return this.sorted.indexOf(id);
  }

  find(id: string): SimKey | undefined {
    return this.keys.find((k) => k.id === id);
  }

  remove(id: string): void {
    const index = this.keys.findIndex((k) => k.id === id);
    if (index >= 0) this.keys.splice(index, 1);
  }

  /** A request made with a key's secret (or an earlier one still in its grace period): records the use, as the real services do. */
  use(secret: string): SimKey | undefined {
    const now = this.now();
    const key = this.keys.find(
      (k) => k.secret === secret || k.retiredSecrets?.some((s) => s.secret === secret && s.until > now),
    );
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return undefined;
    key.lastUsedAt = now;
    return key;
  }

  /** A new secret for a key (a reset); the old one keeps working until `oldUntil`, or stops at once without it. */
  reset(key: SimKey, oldUntil: number | null): void {
    const now = this.now();
    const retired = (key.retiredSecrets ?? []).filter((s) => s.until > now);
    if (oldUntil !== null && oldUntil > now) retired.push({ secret: key.secret, until: oldUntil });
    key.retiredSecrets = retired;
    key.secret = this.credentials(now, key.environment, randomBytes(24).toString('base64url'), unseeded).secret;
    key.updatedAt = now;
  }

  /** `random` draws a vendor's ids and secrets: the seeded one for seeded keys, a cryptographic one for created keys */
  private build(request: NewKey, createdAt: number, body: string, random = this.random): SimKey {
    const environment = request.environment ?? 'live';
    const { id, secret } = this.credentials(createdAt, environment, body, random);
    return {
      id,
      name: this.provider === 'dakota' || this.provider === 'mux' ? null : request.name,
      secret,
      createdAt,
      lastUsedAt: null,
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
      scopes: request.scopes ?? [],
      environment,
      ipAllowlist: request.ipAllowlist ?? [],
      owner: request.owner ?? this.ownerId,
      rateLimitOverride: request.rateLimitOverride ?? null,
    };
  }

  /** Seeded keys as the vendor holds them: no expiry where its keys cannot expire, none revoked where revoking deletes. */
  private asVendorMakesIt(key: SimKey, format: VendorFormat): void {
    const r = this.random;
    if (!format.expires) key.expiresAt = null;
    // each of these vendors deletes a revoked key, or (GitHub) drops the revoked grant from the organization's list
    key.revokedAt = null;
    if (format.unnamed === 'always' || (format.unnamed === 'sometimes' && r() < 0.2)) key.name = null;
    if (format.owners && format.owners.length > 1) key.owner = r() < 0.6 ? format.owners[0]! : pick(r, format.owners);
  }

  private credentials(
    createdAt: number,
    environment: string,
    body: string,
    random: () => number,
  ): { id: string; secret: string } {
    const provider = this.provider;
    if (isVendorSim(provider)) return vendorFormats[provider].credentials(random);
    // the built-in providers draw ids from the seeded generator and take their secrets from `body`, as they always have
    const id = this.newId(provider, createdAt);
    return { id, secret: this.secretFor(provider, environment, body) };
  }

  private newId(provider: SimProviderId, atMs: number): string {
    switch (provider) {
      case 'dialnexa':
        return `key_${randomString(this.random, 14, 'lower')}`;
      case 'dakota':
        return ksuid(this.random, atMs);
      case 'edgedns':
        return `key_${randomString(this.random, 24, 'hex')}`;
      case 'cobo':
        return uuid(this.random);
    }
  }

  private secretFor(provider: SimProviderId, environment: string, body: string): string {
    switch (provider) {
      case 'dialnexa':
        return `sk_live_${body.slice(0, 24)}`;
      case 'dakota':
        return `dk_${environment}_${body}`;
      case 'edgedns':
        return `edns_${environment}_${body.slice(0, 32)}`;
      case 'cobo':
        return `cak_${body}`;
    }
  }
}

/** One sort of an account's keys, newest first, and what it was made from. */
class NewestFirst {
  readonly order: SimKey[];
  private readonly keys: SimKey[];
  private readonly createdAt: Float64Array;
  private readonly ids: string[];
  private positions: Map<string, number> | undefined;

  constructor(keys: SimKey[]) {
    this.keys = keys.slice();
    this.createdAt = Float64Array.from(keys, (k) => k.createdAt);
    this.ids = keys.map((k) => k.id);
    this.order = keys.slice().sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** true when sorting `keys` would give `order` again: the same keys in the same places, each with the same createdAt and id */
  isOrderOf(keys: SimKey[]): boolean {
    if (keys.length !== this.keys.length) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // Object.is compares the (rope) id strings by reference first; !== is several times slower on them
      if (key !== this.keys[i] || key.createdAt !== this.createdAt[i] || !Object.is(key.id, this.ids[i])) return false;
    }
    return true;
  }

  indexOf(id: string): number {
    if (!this.positions) {
      this.positions = new Map();
      // the first of equal ids wins, as with findIndex
      for (let i = this.order.length - 1; i >= 0; i--) this.positions.set(this.order[i]!.id, i);
    }
    return this.positions.get(id) ?? -1;
  }
}

/** A generator for the ids and secrets of keys made while the sandbox runs: nobody can foresee those from the seed. */
function unseeded(): number {
  return randomInt(2 ** 32) / 2 ** 32;
}

function pick<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
