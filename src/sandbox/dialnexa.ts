import {
  bearer,
  callerOf,
  intParam,
  invalidBody,
  isExpired,
  iso,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function failure(status: number, message: string | string[]): SimResponse {
  return { status, body: { statusCode: status, message, error: reasons[status] } };
}

function shown(key: SimKey, now: number) {
  return {
    id: key.id,
    name: key.name,
    created_at: iso(key.createdAt),
    last_used_at: iso(key.lastUsedAt),
    // a revoked key stays listed, expired
    is_expired: key.revokedAt !== null || isExpired(key, now),
  };
}

/** DialNexa: bearer auth, page-number pagination with meta.total, revoked keys stay listed as expired. */
export const dialnexaSim: SimProvider = {
  id: 'dialnexa',
  prefix: '/dialnexa/v1',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const caller = callerOf(bearer(req.headers), sim);
    if (route(req, 'GET', '/agents')) {
      return caller.kind === 'none' ? failure(401, 'Unauthorized') : { status: 200, body: { data: [] } };
    }
    const list = route(req, 'GET', '/api-keys');
    const create = route(req, 'POST', '/api-keys');
    const revoke = route(req, 'DELETE', '/api-keys/:id');
    if (!list && !create && !revoke) return undefined;
    if (caller.kind === 'none') return failure(401, 'Unauthorized');
    if (caller.kind === 'key') return failure(403, 'This API key cannot manage API keys');
    const now = sim.now();

    if (list) {
      const page = intParam(req.query, 'page', 1, Number.MAX_SAFE_INTEGER) ?? 1;
      const limit = intParam(req.query, 'limit', 1, 100) ?? 20;
      if (Number.isNaN(page)) return failure(400, ['page must be a positive integer']);
      if (Number.isNaN(limit)) return failure(400, ['limit must be an integer from 1 to 100']);
      const search = req.query.get('search')?.toLowerCase();
      const everyKey = sim.account.newestFirst();
      const matching = search ? everyKey.filter((k) => (k.name ?? '').toLowerCase().includes(search)) : everyKey;
      return {
        status: 200,
        body: {
          data: matching.slice((page - 1) * limit, page * limit).map((k) => shown(k, now)),
          meta: { page, limit, total: matching.length, totalPages: Math.ceil(matching.length / limit) },
        },
      };
    }

    if (create) {
      const body =
        req.body === invalidBody ? undefined : (req.body as { name?: unknown; expire_now?: unknown } | undefined);
      if (typeof body?.name !== 'string' || body.name.trim() === '') return failure(400, ['name should not be empty']);
      if (body.expire_now !== undefined && typeof body.expire_now !== 'boolean')
        return failure(400, ['expire_now must be a boolean value']);
      const key = sim.account.create({ name: body.name, expiresAt: body.expire_now ? now : null });
      return { status: 201, body: { id: key.id, name: key.name, secret: key.secret, created_at: iso(key.createdAt) } };
    }

    const key = sim.account.find(revoke!.id!);
    if (!key || key.revokedAt !== null) return failure(404, 'API key not found');
    key.revokedAt = now;
    return { status: 200, body: { message: 'API key revoked.' } };
  },
};
