import type { Sandbox } from '../../src/sandbox/server.js';
import type { SimKey, SimProviderId } from '../../src/sandbox/model.js';
import { dayMs, now } from './keys.js';

/**
 * An explicit audit scenario for the sandbox: keys placed on each side of every rule's boundary, on every provider
 * where the rule can fire, and some where it cannot (its data is missing there), all relative to the test clock.
 * The sandbox is started with no generated keys and these are added to its accounts.
 */

interface Spec {
  id: string;
  name: string | null;
  /** days before the clock */
  created: number;
  /** days before the clock; null: never used */
  used?: number | null;
  /** days after the clock (negative: in the past); null: no expiry */
  expires?: number | null;
  /** days before the clock */
  revoked?: number;
  scopes?: string[];
  environment?: 'live' | 'test';
  allow?: string[];
}

const at = (days: number): number => now.getTime() - days * dayMs;
const allow = ['203.0.113.0/24'];

const edgeId = (n: number): string => `key_${(0xed000 + n).toString(16).padStart(24, '0')}`;
const coboId = (n: number): string => `c0b00000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const dakotaId = (label: string): string => `2dk${label}`.padEnd(27, '0');

export const scenario: Record<SimProviderId, Spec[]> = {
  // names and usage; no expiry dates, scopes or allowlists (and revoked keys stay listed as expired)
  dialnexa: [
    { id: 'key_billingworker', name: 'Billing worker', created: 91, used: 1 }, // max-age
    { id: 'key_prodserverone', name: 'Production Server', created: 89, used: 1 }, // just inside max-age
    { id: 'key_analyticsexpo', name: 'Analytics export', created: 60, used: 46 }, // idle
    { id: 'key_supportdashbo', name: 'Support dashboard', created: 60, used: 44 }, // just inside idle
    { id: 'key_webhookrelayx', name: 'Webhook relay', created: 8, used: null }, // never-used
    { id: 'key_localdevelopm', name: 'Local development', created: 6, used: null }, // inside the grace
    { id: 'key_deploybotolde', name: 'Deploy bot', created: 80, used: 2 }, // duplicate-name
    { id: 'key_deploybotnewe', name: 'Deploy bot', created: 10, used: 1 }, // the newest twin: spared
    { id: 'key_cipipelineold', name: 'CI pipeline', created: 200, used: 150, revoked: 100 }, // listed as expired: nothing
  ],
  // neither names, usage, expiry, scopes nor allowlists: only max-age can fire
  dakota: [
    { id: dakotaId('ancient'), name: null, created: 400 }, // max-age
    { id: dakotaId('old'), name: null, created: 91 }, // max-age
    { id: dakotaId('young'), name: null, created: 89 },
    { id: dakotaId('fresh'), name: null, created: 1 },
  ],
  // everything; lists active keys only, so revoked ones never reach the audit
  edgedns: [
    { id: edgeId(1), name: 'Production Server', created: 100, used: 1, expires: 200, scopes: ['dns:read'], allow }, // max-age
    {
      id: edgeId(2),
      name: 'Staging Server',
      created: 60,
      used: 46,
      expires: 100,
      scopes: ['dns:read'],
      environment: 'test',
      allow: [],
    }, // idle (a test key needs no allowlist)
    { id: edgeId(3), name: 'Webhook relay', created: 20, used: null, expires: 100, scopes: ['dns:read'], allow }, // never-used
    {
      id: edgeId(4),
      name: 'Data warehouse sync',
      created: 50,
      used: 6,
      expires: -5,
      scopes: ['dns:read', 'dns:write'],
      allow: [],
    }, // expired, nothing else
    { id: edgeId(5), name: 'Mobile backend', created: 10, used: 1, expires: null, scopes: ['dns:read'], allow }, // no-expiry
    { id: edgeId(6), name: 'Support dashboard', created: 30, used: 1, expires: 14, scopes: ['domain:read'], allow }, // expiring-soon, at the boundary
    { id: edgeId(7), name: 'Analytics export', created: 30, used: 1, expires: 15, scopes: ['domain:read'], allow }, // just outside it
    { id: edgeId(8), name: 'Deploy bot', created: 40, used: 1, expires: 300, scopes: ['dns:*'], allow }, // broad-scope
    { id: edgeId(9), name: 'CI pipeline', created: 20, used: 1, expires: 300, scopes: ['*'], allow: [] }, // broad-scope and no-ip-allowlist
    { id: edgeId(10), name: 'Billing worker', created: 70, used: 1, expires: 100, scopes: ['dns:read'], allow }, // duplicate-name
    { id: edgeId(11), name: 'Billing worker', created: 5, used: 1, expires: 100, scopes: ['dns:read'], allow }, // spared
    { id: edgeId(12), name: 'Retired', created: 300, used: 200, expires: null, revoked: 100, scopes: ['*'], allow: [] }, // revoked: not listed
  ],
  // names, usage, expiry, scopes; no allowlists; revoked keys stay listed, as revoked
  cobo: [
    { id: coboId(1), name: 'Treasury bot', created: 91, used: 1, expires: 100, scopes: ['wallet:read'] }, // max-age
    { id: coboId(2), name: 'Payout worker', created: 60, used: 46, expires: 100, scopes: ['wallet:read'] }, // idle
    { id: coboId(3), name: 'Agent sandbox', created: 8, used: null, expires: 100, scopes: ['wallet:read'] }, // never-used
    { id: coboId(4), name: 'Reporting', created: 50, used: 10, expires: -1, scopes: ['wallet:read'] }, // expired
    { id: coboId(5), name: 'Admin console', created: 10, used: 1, expires: null, scopes: ['admin'] }, // no-expiry and broad-scope
    { id: coboId(6), name: 'Pact runner', created: 20, used: 1, expires: 3, scopes: ['pact:*'] }, // expiring-soon and broad-scope
    { id: coboId(7), name: 'Ledger sync', created: 80, used: 1, expires: 100, scopes: ['wallet:read'] }, // duplicate-name
    { id: coboId(8), name: 'Ledger sync', created: 3, used: 1, expires: 100, scopes: ['wallet:read'] }, // the newest active twin
    { id: coboId(9), name: 'Ledger sync', created: 1, used: null, expires: 100, revoked: 0.5, scopes: ['wallet:read'] }, // revoked: not a twin
    { id: coboId(10), name: 'Old agent', created: 300, used: 250, expires: null, revoked: 200, scopes: ['*'] }, // revoked: nothing
  ],
};

function simKey(provider: SimProviderId, spec: Spec, owner: string): SimKey {
  return {
    id: spec.id,
    name: spec.name,
    secret: `${provider}-scenario-secret-${spec.id}`,
    createdAt: at(spec.created),
    lastUsedAt: spec.used === undefined ? at(Math.min(1, spec.created)) : spec.used === null ? null : at(spec.used),
    expiresAt: spec.expires === undefined || spec.expires === null ? null : at(-spec.expires),
    revokedAt: spec.revoked === undefined ? null : at(spec.revoked),
    scopes: spec.scopes ?? [],
    environment: spec.environment ?? 'live',
    ipAllowlist: spec.allow ?? [],
    owner,
    rateLimitOverride: null,
  };
}

/** Replaces every account's keys with the scenario's. */
export function seedAuditScenario(sandbox: Sandbox): void {
  for (const [provider, specs] of Object.entries(scenario) as [SimProviderId, Spec[]][]) {
    const account = sandbox.accounts[provider];
    account.keys.splice(0, account.keys.length, ...specs.map((spec) => simKey(provider, spec, `owner-${provider}`)));
  }
}
