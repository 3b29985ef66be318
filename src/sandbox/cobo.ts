import {
  callerOf,
  header,
  intParam,
  invalidBody,
  iso,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

function failure(status: number, code: string, message: string, suggestion = ''): SimResponse {
  return { status, body: { success: false, error: { code, message }, suggestion } };
}

function shown(key: SimKey) {
  return {
    id: key.id,
    principal_id: key.owner,
    name: key.name,
    key_prefix: key.secret.slice(0, 8),
    scopes: key.scopes,
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    is_revoked: key.revokedAt !== null,
    revoked_at: iso(key.revokedAt),
    created_at: iso(key.createdAt),
    updated_at: iso(key.revokedAt ?? key.createdAt),
    delegation_id: null,
    pact_id: null,
  };
}

const encodeCursor = (id: string): string => Buffer.from(`id:${id}`).toString('base64url');
const decodeCursor = (cursor: string): string | undefined => {
  const text = Buffer.from(cursor, 'base64url').toString();
  return text.startsWith('id:') ? text.slice(3) : undefined;
};

/** Cobo Agentic Wallet: X-API-Key auth, opaque after/before cursors, `{success, result}` envelopes, 422 on validation. */
export const coboSim: SimProvider = {
  id: 'cobo',
  prefix: '/cobo',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const caller = callerOf(header(req.headers, 'x-api-key'), sim);
    const unauthorised = failure(401, 'UNAUTHORIZED', 'Invalid or missing API key', 'Check the X-API-Key header');
    if (route(req, 'GET', '/api/v1/wallets')) {
      return caller.kind === 'none' ? unauthorised : { status: 200, body: { success: true, result: [] } };
    }
    const list = route(req, 'GET', '/api/v1/api-keys');
    const create = route(req, 'POST', '/api/v1/api-keys');
    const revoke = route(req, 'DELETE', '/api/v1/api-keys/:id');
    if (!list && !create && !revoke) return undefined;
    if (caller.kind === 'none') return unauthorised;
    if (caller.kind === 'key' && !caller.key.scopes.some((s) => s === '*' || s === 'admin')) {
      return failure(
        403,
        'INSUFFICIENT_PERMISSION',
        'This API key may not manage API keys',
        'Use a key with the admin scope',
      );
    }
    const now = sim.now();

    if (list) {
      const limit = intParam(req.query, 'limit', 1, 200) ?? 50;
      if (Number.isNaN(limit)) return failure(422, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
      const keys = sim.account.newestFirst();
      let start: number;
      let end: number;
      const after = req.query.get('after');
      const before = req.query.get('before');
      const offset = intParam(req.query, 'offset', 0, Number.MAX_SAFE_INTEGER);
      if (after) {
        const index = sim.account.newestFirstIndex(decodeCursor(after) ?? '');
        if (index < 0) return failure(422, 'INVALID_CURSOR', 'after is not a valid cursor');
        start = index + 1;
        end = Math.min(keys.length, start + limit);
      } else if (before) {
        const index = sim.account.newestFirstIndex(decodeCursor(before) ?? '');
        if (index < 0) return failure(422, 'INVALID_CURSOR', 'before is not a valid cursor');
        end = index;
        start = Math.max(0, end - limit);
      } else {
        if (Number.isNaN(offset)) return failure(422, 'VALIDATION_ERROR', 'offset must be a non-negative integer');
        start = Math.min(offset ?? 0, keys.length);
        end = Math.min(keys.length, start + limit);
      }
      const page = keys.slice(start, end);
      const hasMore = end < keys.length;
      return {
        status: 200,
        body: {
          result: page.map(shown),
          success: true,
          suggestion: '',
          message: '',
          meta: {
            total: keys.length,
            offset: offset ?? null,
            limit,
            has_more: hasMore,
            after: hasMore && page.length > 0 ? encodeCursor(page[page.length - 1]!.id) : null,
            before: start > 0 && page.length > 0 ? encodeCursor(page[0]!.id) : null,
          },
        },
      };
    }

    if (create) {
      const body = (req.body === invalidBody ? undefined : req.body) as Record<string, unknown> | undefined;
      if (typeof body?.name !== 'string' || body.name.trim() === '' || body.name.length > 255) {
        return failure(422, 'VALIDATION_ERROR', 'name is required and at most 255 characters', 'Give the key a name');
      }
      const scopes = body.scopes ?? ['*'];
      if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
        return failure(422, 'VALIDATION_ERROR', 'scopes must be a list of strings');
      }
      const expiresAt =
        body.expires_at === undefined || body.expires_at === null
          ? null
          : typeof body.expires_at === 'string'
            ? Date.parse(body.expires_at)
            : NaN;
      if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= now)) {
        return failure(422, 'VALIDATION_ERROR', 'expires_at must be a future ISO 8601 date-time');
      }
      if (body.principal_id !== undefined && typeof body.principal_id !== 'string') {
        return failure(422, 'VALIDATION_ERROR', 'principal_id must be a string');
      }
      const key = sim.account.create({
        name: body.name,
        scopes: scopes as string[],
        expiresAt,
        ...(typeof body.principal_id === 'string' ? { owner: body.principal_id } : {}),
      });
      return { status: 201, body: { success: true, result: { api_key: shown(key), raw_key: key.secret } } };
    }

    const key = sim.account.find(revoke!.id!);
    if (!key) return failure(404, 'NOT_FOUND', 'API key not found');
    key.revokedAt ??= now;
    return { status: 200, body: { success: true, result: shown(key) } };
  },
};
