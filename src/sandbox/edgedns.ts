import { randomUUID } from 'node:crypto';
import {
  bearer,
  callerOf,
  invalidBody,
  iso,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

function failure(status: number, code: string, message: string, details: unknown = null): SimResponse {
  return { status, body: { error: { code, message, details }, request_id: randomUUID() } };
}

function shown(key: SimKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: `edns_${key.environment}_`,
    hint: key.secret.slice(-4),
    environment: key.environment,
    permissions: key.scopes,
    rate_limit_override: key.rateLimitOverride,
    ip_allowlist: key.ipAllowlist,
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    created_at: iso(key.createdAt),
  };
}

export interface EdgeDnsOptions {
  /** the method revoke answers to: the documentation shows DELETE, one crawl of it shows POST */
  revokeMethod?: 'DELETE' | 'POST';
  /**
   * the create answer repeats the new secret where many real APIs do: whole in `prefix` (the field the listing
   * shows truncated) and inside a longer string, the name
   */
  echoSecret?: boolean;
}

/** EdgeDNS: bearer auth, one unpaginated list of active keys, soft-delete revoke, `{error:{code,message}}` errors. */
export function edgednsSim(options: EdgeDnsOptions = {}): SimProvider {
  const revokeMethod = options.revokeMethod ?? 'DELETE';
  return {
    id: 'edgedns',
    prefix: '/edgedns/v1',
    handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
      const presented = bearer(req.headers);
      const caller = callerOf(presented, sim);
      const revokedKey = presented
        ? sim.account.keys.find((k) => k.secret === presented && k.revokedAt !== null)
        : undefined;
      const unauthorised = revokedKey
        ? failure(401, 'API_KEY_REVOKED', 'This API key has been revoked')
        : failure(401, 'INVALID_API_KEY', 'Invalid or missing API key');
      if (route(req, 'GET', '/dns/lookup')) {
        return caller.kind === 'none' ? unauthorised : { status: 200, body: { answers: [] } };
      }
      const list = route(req, 'GET', '/keys');
      const create = route(req, 'POST', '/keys');
      const revoke = route(req, 'DELETE', '/keys/:id') ?? route(req, 'POST', '/keys/:id');
      if (!list && !create && !revoke) return undefined;
      if (caller.kind === 'none') return unauthorised;
      if (caller.kind === 'key' && !caller.key.scopes.includes('*')) {
        return failure(403, 'INSUFFICIENT_PERMISSIONS', 'This API key may not manage API keys');
      }
      const now = sim.now();

      if (list) {
        const activeOnly = req.query.get('active_only') !== 'false';
        const keys = sim.account.newestFirst().filter((k) => !activeOnly || k.revokedAt === null);
        return { status: 200, body: { keys: keys.map(shown), total: keys.length } };
      }

      if (create) return createKey(req, sim, now, options.echoSecret === true);

      if (req.method !== revokeMethod) {
        return failure(405, 'METHOD_NOT_ALLOWED', `use ${revokeMethod} to revoke a key`);
      }
      const key = sim.account.find(revoke!.id!);
      if (!key || key.revokedAt !== null) return failure(404, 'KEY_NOT_FOUND', 'API key not found');
      key.revokedAt = now;
      return { status: 200, body: { id: key.id, revoked: true } };
    },
  };
}

function createKey(req: SimRequest, sim: SimContext, now: number, echoSecret: boolean): SimResponse {
  const body = (req.body === invalidBody ? undefined : req.body) as Record<string, unknown> | undefined;
  const problems: string[] = [];
  if (typeof body?.name !== 'string' || body.name.trim() === '') problems.push('name is required');
  const environment = body?.environment ?? 'live';
  if (environment !== 'live' && environment !== 'test') problems.push('environment must be live or test');
  const permissions = body?.permissions ?? [];
  if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string'))
    problems.push('permissions must be a list of strings');
  const allowlist = body?.ip_allowlist ?? [];
  if (!Array.isArray(allowlist) || allowlist.some((p) => typeof p !== 'string'))
    problems.push('ip_allowlist must be a list of strings');
  const expiresAt =
    body?.expires_at === undefined || body.expires_at === null
      ? null
      : typeof body.expires_at === 'string'
        ? Date.parse(body.expires_at)
        : NaN;
  if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= now))
    problems.push('expires_at must be a future ISO 8601 date');
  const override = body?.rate_limit_override ?? null;
  if (override !== null && (typeof override !== 'number' || override <= 0))
    problems.push('rate_limit_override must be a positive number');
  if (problems.length > 0) return failure(400, 'VALIDATION_ERROR', problems.join('; '), problems);

  const key = sim.account.create({
    name: body!.name as string,
    environment: environment as 'live' | 'test',
    scopes: permissions as string[],
    ipAllowlist: allowlist as string[],
    expiresAt,
    rateLimitOverride: override as number | null,
  });
  const echoes = echoSecret ? { prefix: key.secret, name: `${key.name} (key ${key.secret})` } : {};
  return { status: 201, body: { ...shown(key), ...echoes, key: key.secret } };
}
