import type { IncomingHttpHeaders } from 'node:http';
import type { SimAccount, SimKey } from './model.js';

export interface SimRequest {
  method: string;
  /** the path below the provider's prefix, e.g. `/api-keys/key_abc` */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /**
   * the parsed body: JSON, or a plain object of strings when sent as `application/x-www-form-urlencoded`;
   * `invalidBody` when it was neither
   */
  body: unknown;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Who a request speaks for: the admin token, one of the account's own keys, or nobody. */
export type Caller = { kind: 'admin' } | { kind: 'key'; key: SimKey } | { kind: 'none' };

export interface SimContext {
  account: SimAccount;
  token: string;
  now: () => number;
}

export interface SimProvider {
  id: string;
  /** the provider's API below the sandbox root, e.g. `/dialnexa/v1` */
  prefix: string;
  /** answers a request, or returns undefined when no route matches (the server then answers loudly) */
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined;
}

export const invalidBody = Symbol('invalid JSON body');

export function callerOf(presented: string | undefined, sim: SimContext): Caller {
  if (!presented) return { kind: 'none' };
  if (presented === sim.token) return { kind: 'admin' };
  const key = sim.account.use(presented);
  return key ? { kind: 'key', key } : { kind: 'none' };
}

export function bearer(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith('Bearer ') ? value.slice(7).trim() : undefined;
}

/** The user and password of an HTTP Basic `Authorization` header. */
export function basicAuth(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const value = headers.authorization;
  if (!value?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Matches `/api-keys/:id` style patterns; returns the captured parameters or undefined. */
export function route(req: SimRequest, method: string, pattern: string): Record<string, string> | undefined {
  if (req.method !== method) return undefined;
  const want = pattern.split('/');
  const got = req.path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) {
      if (!got[i]) return undefined;
      params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

/** An integer query parameter within bounds; undefined when absent, NaN when invalid. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : Number.NaN;
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * Where the client sees a simulator's API root, for the links the simulator writes: the sandbox's own origin and the
 * simulator's prefix (`/twilio`), so a root-relative link (`/twilio/2010-04-01/...`) resolves against the answered URL as
 * the vendor's (`/2010-04-01/...`) does against its host. Behind a reverse proxy that mounts the simulator elsewhere,
 * X-Forwarded-Proto, -Host and -Prefix say where, as such proxies send them.
 */
export function clientRoot(req: SimRequest, prefix: string): { origin: string; path: string } {
  const proto = header(req.headers, 'x-forwarded-proto') ?? 'http';
  const host = header(req.headers, 'x-forwarded-host') ?? header(req.headers, 'host') ?? '127.0.0.1';
  const forwarded = header(req.headers, 'x-forwarded-prefix');
  return { origin: `${proto}://${host}`, path: forwarded === undefined ? prefix : forwarded.replace(/\/+$/, '') };
}

/** RFC 2822 in GMT, as Twilio writes dates: `Mon, 16 Aug 2010 03:45:01 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** A JSON object body, or undefined when the body is absent, not JSON, or not an object. */
export function objectBody(req: SimRequest): Record<string, unknown> | undefined {
  const body = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

export function isExpired(key: SimKey, now: number): boolean {
  return key.expiresAt !== null && key.expiresAt <= now;
}
