import { isIPv4 } from 'node:net';
import {
  basicAuth,
  bearer,
  callerOf,
  clientRoot,
  header,
  intParam,
  invalidBody,
  iso,
  objectBody,
  route,
  type Caller,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

export interface NpmSimOptions {
  /** turns two-factor auth on: the one-time password the account accepts in the `npm-otp` header */
  otp?: string;
  /** what needs the one-time password: token creation only, or every write, revokes too (npm's default) */
  twoFactorMode?: 'auth-only' | 'auth-and-writes';
  /**
   * how `urls.next` is written: a whole URL (the default, which every client follows), or a path from the server's root
   * (`/npm/-/npm/v1/tokens?page=1...` in the sandbox), which resolves like any URL but which npm's own client, joining
   * it to its `registry` setting, follows only from a registry at the root of its host
   */
  nextUrls?: 'absolute' | 'path';
}

/** The sandbox's one npm user: the admin token and every token listed are this user's. */
export const npmSandboxAccount = { username: 'keywarden-sandbox', password: 'sandbox-npm-password' } as const;

const prefix = '/npm';
const tokensPath = '/-/npm/v1/tokens';
const defaultPerPage = 10;

function failure(status: number, error: string, headers?: Record<string, string>): SimResponse {
  return { status, body: { error }, ...(headers ? { headers } : {}) };
}

/** A token as the listing shows it: the secret cut to its first characters (npm's CLI prints them followed by `…`). */
function shown(key: SimKey): Record<string, unknown> {
  return {
    token: key.secret.slice(0, 6),
    key: key.id,
    ...(key.name !== null ? { name: key.name } : {}),
    cidr_whitelist: key.ipAllowlist.length > 0 ? key.ipAllowlist : null,
    readonly: key.scopes.includes('read-only'),
    created: iso(key.createdAt),
    updated: iso(key.updatedAt ?? key.createdAt),
    ...(key.expiresAt !== null ? { expires: iso(key.expiresAt) } : {}),
  };
}

function callerFrom(req: SimRequest, sim: SimContext): Caller {
  const basic = basicAuth(req.headers);
  if (basic)
    return basic.user === npmSandboxAccount.username && basic.password === npmSandboxAccount.password
      ? { kind: 'admin' }
      : { kind: 'none' };
  return callerOf(bearer(req.headers), sim);
}

/** With two-factor auth on, a missing or wrong one-time password is a 401 that tells npm's client to ask for one. */
function otpRefusal(req: SimRequest, options: NpmSimOptions): SimResponse | undefined {
  if (options.otp === undefined) return undefined;
  const given = header(req.headers, 'npm-otp');
  if (given === options.otp) return undefined;
  const message =
    given === undefined
      ? 'You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA.'
      : 'The one-time pass is not valid.';
  return failure(401, message, { 'www-authenticate': 'OTP' });
}

/**
 * npm registry access tokens, from the registry's own API document (npm/registry `docs/user/authentication.md`)
 * and what the npm CLI 11 (`lib/commands/token.js`, `npm-profile`, `npm-registry-fetch`) sends and expects:
 * bearer (or Basic user:password) auth, page/perPage listing followed by `urls.next` (a whole URL), a create that needs
 * the account password and, with two-factor auth on, an `npm-otp` header; `{error}` bodies. A revoked token is deleted.
 * There is no OpenAPI description of this API.
 */
export function npmSim(options: NpmSimOptions = {}): SimProvider {
  const otpForWrites = options.otp !== undefined && (options.twoFactorMode ?? 'auth-and-writes') === 'auth-and-writes';
  return {
    id: 'npm',
    prefix,
    handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
      const whoami = route(req, 'GET', '/-/whoami');
      const list = route(req, 'GET', tokensPath);
      const create = route(req, 'POST', tokensPath);
      const revoke = route(req, 'DELETE', `${tokensPath}/token/:key`);
      if (!whoami && !list && !create && !revoke) return undefined;
      const caller = callerFrom(req, sim);
      if (caller.kind === 'none') return failure(401, 'Unauthorized');
      if (whoami) return { status: 200, body: { username: npmSandboxAccount.username } };
      if (list) return listTokens(req, sim, options);
      if (caller.kind === 'key' && caller.key.scopes.includes('read-only'))
        return failure(403, 'This token is read-only and cannot manage tokens');

      if (create) return createToken(req, sim, options);

      const refusal = otpForWrites ? otpRefusal(req, options) : undefined;
      if (refusal) return refusal;
      // npm's CLI puts either the key or the whole token in the path
      const named = revoke!.key!;
      const key = sim.account.find(named) ?? sim.account.keys.find((k) => k.secret === named);
      if (!key) return failure(404, 'Token not found');
      sim.account.remove(key.id);
      return { status: 204 };
    },
  };
}

function listTokens(req: SimRequest, sim: SimContext, options: NpmSimOptions): SimResponse {
  const page = intParam(req.query, 'page', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const perPage = intParam(req.query, 'perPage', 1, 9999) ?? defaultPerPage;
  if (Number.isNaN(page)) return failure(400, 'page must be a whole number from 0');
  if (Number.isNaN(perPage)) return failure(400, 'perPage must be a whole number from 1 to 9999');
  const tokens = sim.account.newestFirst();
  if (page > 0 && page * perPage >= tokens.length) return failure(400, `page ${page} is out of range`);
  const start = page * perPage;
  const root = clientRoot(req, prefix);
  const registry = options.nextUrls === 'path' ? root.path : `${root.origin}${root.path}`;
  const at = (n: number): string => `${registry}${tokensPath}?page=${n}&perPage=${perPage}`;
  return {
    status: 200,
    body: {
      objects: tokens.slice(start, start + perPage).map(shown),
      total: tokens.length,
      urls: {
        ...(start + perPage < tokens.length ? { next: at(page + 1) } : {}),
        ...(page > 0 ? { prev: at(page - 1) } : {}),
      },
    },
  };
}

function createToken(req: SimRequest, sim: SimContext, options: NpmSimOptions): SimResponse {
  if (req.body === invalidBody) return failure(400, 'The request body is not valid JSON');
  const body = objectBody(req) ?? {};
  if (typeof body.password !== 'string' || body.password === '') return failure(400, 'password is required');
  if (body.password !== npmSandboxAccount.password) return failure(401, 'The password is incorrect');
  const refusal = otpRefusal(req, options);
  if (refusal) return refusal;

  const readonly = body.readonly ?? false;
  if (typeof readonly !== 'boolean') return failure(400, 'readonly must be true or false');
  const cidrs = body.cidr_whitelist ?? [];
  if (!Array.isArray(cidrs) || !cidrs.every(isCidr))
    return failure(400, 'cidr_whitelist must be a list of IPv4 CIDR ranges');
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === ''))
    return failure(400, 'name must be a non-empty string');
  const days = body.expires;
  if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 365)) {
    return failure(400, 'expires must be a whole number of days from 1 to 365');
  }
  const key = sim.account.create({
    name: typeof body.name === 'string' ? body.name : null,
    scopes: [readonly ? 'read-only' : 'read-write'],
    ipAllowlist: cidrs as string[],
    expiresAt: days === undefined ? null : sim.now() + days * 86_400_000,
  });
  return { status: 200, body: { ...shown(key), token: key.secret } };
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address, bits, extra] = value.split('/');
  return (
    extra === undefined &&
    address !== undefined &&
    isIPv4(address) &&
    bits !== undefined &&
    /^\d{1,2}$/.test(bits) &&
    Number(bits) <= 32
  );
}
