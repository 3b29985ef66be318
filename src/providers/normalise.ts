import type { KeyStatus } from './types.js';

export function statusOf(
  facts: { revoked?: boolean; expired?: boolean; expiresAt?: string | null },
  now: Date,
): KeyStatus {
  if (facts.revoked) return 'revoked';
  if (facts.expired) return 'expired';
  if (facts.expiresAt && Date.parse(facts.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}
