import type { KeyRecord, KeyStatus } from './types.js';

/** A full record from the fields a provider has; every field it lacks is null (scopes: []). */
export function keyRecord(fields: Partial<KeyRecord> & Pick<KeyRecord, 'id' | 'status' | 'usage_tracked'>): KeyRecord {
  return {
    id: fields.id,
    name: fields.name ?? null,
    status: fields.status,
    created_at: fields.created_at ?? null,
    last_used_at: fields.last_used_at ?? null,
    expires_at: fields.expires_at ?? null,
    revoked_at: fields.revoked_at ?? null,
    prefix: fields.prefix ?? null,
    hint: fields.hint ?? null,
    environment: fields.environment ?? null,
    scopes: fields.scopes ?? [],
    owner: fields.owner ?? null,
    ip_allowlist: fields.ip_allowlist ?? null,
    usage_tracked: fields.usage_tracked,
  };
}

export function statusOf(
  facts: { revoked?: boolean; expired?: boolean; expiresAt?: string | null },
  now: Date,
): KeyStatus {
  if (facts.revoked) return 'revoked';
  if (facts.expired) return 'expired';
  if (facts.expiresAt && Date.parse(facts.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}
