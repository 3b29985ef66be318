import { randomBytes } from 'node:crypto';
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
}

export type SimProviderId = 'dialnexa' | 'dakota' | 'edgedns' | 'cobo';

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
  'Production Server', 'Staging Server', 'CI pipeline', 'Billing worker', 'Acme CRM Integration', 'Data warehouse sync',
  'Mobile backend', 'Support dashboard', 'Analytics export', 'Webhook relay', 'Deploy bot', 'Local development',
];
const scopeSets: Record<SimProviderId, string[][]> = {
  dialnexa: [[]],
  dakota: [[]],
  edgedns: [['dns:read'], ['dns:read', 'dns:write'], ['domain:read'], ['*'], ['dns:*'], []],
  cobo: [['wallet:read'], ['wallet:read', 'wallet:transfer'], ['*'], ['pact:*'], ['admin']],
};

/** The keys of one simulated provider account, with the id and secret formats of that provider. */
export class SimAccount {
  readonly keys: SimKey[] = [];
  private readonly ownerId: string;
  private sorted: NewestFirst | undefined;

  constructor(
    readonly provider: SimProviderId,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.ownerId = this.newId(now());
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
          scopes: pick(r, scopeSets[this.provider]),
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
      this.keys.push(key);
    }
    this.keys.sort((a, b) => a.createdAt - b.createdAt);
  }

  create(request: NewKey): SimKey {
    const key = this.build(request, this.now(), randomBytes(24).toString('base64url').replace(/[-_]/g, 'x'));
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

  /** A request made with a key's secret: records the use, as the real services do. */
  use(secret: string): SimKey | undefined {
    const key = this.keys.find((k) => k.secret === secret);
    const now = this.now();
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return undefined;
    key.lastUsedAt = now;
    return key;
  }

  private build(request: NewKey, createdAt: number, body: string): SimKey {
    const environment = request.environment ?? 'live';
    return {
      id: this.newId(createdAt),
      name: this.provider === 'dakota' ? null : request.name,
      secret: this.secretFor(environment, body),
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

  private newId(atMs: number): string {
    switch (this.provider) {
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

  private secretFor(environment: string, body: string): string {
    switch (this.provider) {
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

function pick<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
