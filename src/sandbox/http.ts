import type { IncomingHttpHeaders } from 'node:http';
import type { SimAccount, SimKey } from './model.js';

export interface SimRequest {
  method: string;
  /** the path below the provider's prefix, e.g. `/api-keys/key_abc` */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** the parsed JSON body; `invalid` when the body was not JSON */
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

export function isExpired(key: SimKey, now: number): boolean {
  return key.expiresAt !== null && key.expiresAt <= now;
}
