import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * "Acme Cloud", a provider keywarden has no adapter for, as a tiny real HTTP server on 127.0.0.1: bearer token plus
 * an organisation header, RFC 8288 Link pagination over a bare JSON array, unix-millisecond times, a comma-string
 * scope list, and `{error:{type,detail}}` errors. test/manifest/fixtures/acme.json describes it.
 */
export interface AcmeKey {
  id: string;
  label: string;
  state: 'enabled' | 'disabled' | 'expired';
  created: number;
  last_seen_at: string | null;
  expires: string | null;
  disabled_at: string | null;
  token_tail: string;
  scopes: string;
  created_by: { id: string };
  token: string;
}

export interface AcmeOptions {
  token: string;
  org: string;
  keys: number;
  /** the server's own page-size cap, below what the manifest asks for, so a listing takes several pages */
  pageCap: number;
  /** how the next page is linked: an absolute URL (default), a relative one, or an absolute URL on another origin */
  links?: 'absolute' | 'relative' | { origin: string };
}

export interface AcmeServer {
  url: string;
  baseUrl: string;
  keys: AcmeKey[];
  /** method and path with query of every request, in order */
  requests: string[];
  /** method and path of every request no route answered */
  unhandled: string[];
  close(): Promise<void>;
}

const day = 86_400_000;

function shown({ token: _secret, ...key }: AcmeKey): Omit<AcmeKey, 'token'> {
  return key;
}

function newKey(n: number, label: string, scopes: string[], expires: string | null, created: number): AcmeKey {
  const token = `acme_${randomBytes(18).toString('base64url')}`;
  return {
    id: `key_${String(n).padStart(4, '0')}`,
    label,
    state: 'enabled',
    created,
    last_seen_at: n % 3 === 0 ? null : new Date(created + day).toISOString(),
    expires,
    disabled_at: null,
    token_tail: token.slice(-4),
    scopes: scopes.join(','),
    created_by: { id: `usr_${n % 2}` },
    token,
  };
}

export async function startAcme(options: AcmeOptions): Promise<AcmeServer> {
  const now = Date.now();
  const keys: AcmeKey[] = [];
  for (let n = 1; n <= options.keys; n++)
    keys.push(
      newKey(
        n,
        `service ${n}`,
        n % 2 ? ['keys:read'] : ['keys:read', 'keys:write'],
        null,
        now - (options.keys - n + 10) * day,
      ),
    );
  if (keys[1]) Object.assign(keys[1], { state: 'disabled', disabled_at: new Date(now - day).toISOString() });
  if (keys[2]) Object.assign(keys[2], { state: 'expired', expires: new Date(now - 2 * day).toISOString() });
  const requests: string[] = [];
  const unhandled: string[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const failure = (res: ServerResponse, status: number, type: string, detail: string): void =>
    send(res, status, { error: { type, detail } });

  async function serve(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${options.token}` || req.headers['acme-organization'] !== options.org) {
      failure(res, 401, 'unauthorized', 'bad credentials or organization');
      return;
    }
    const item = /^\/v2\/keys\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/v2/keys') {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), options.pageCap);
      const page = Number(url.searchParams.get('page') ?? 1);
      const listed = [...keys]
        .reverse()
        .filter((k) => url.searchParams.get('include') === 'disabled' || k.state !== 'disabled');
      const pages = Math.max(1, Math.ceil(listed.length / perPage));
      const linkTo = (n: number): string => {
        const query = new URLSearchParams(url.searchParams);
        query.set('page', String(n));
        const path = `/v2/keys?${query}`;
        const links = options.links ?? 'absolute';
        return links === 'relative' ? path : `${links === 'absolute' ? origin : links.origin}${path}`;
      };
      const link = [
        ...(page < pages ? [`<${linkTo(page + 1)}>; rel="next"`] : []),
        `<${linkTo(pages)}>; rel="last"`,
      ].join(', ');
      send(res, 200, listed.slice((page - 1) * perPage, page * perPage).map(shown), { link });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v2/keys') {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        label?: unknown;
        scopes?: unknown;
        expires?: unknown;
      };
      if (typeof body.label !== 'string' || body.label.trim() === '') {
        failure(res, 422, 'invalid_request', 'label is required');
        return;
      }
      const scopes = Array.isArray(body.scopes) ? (body.scopes as string[]) : [];
      const key = newKey(
        keys.length + 1,
        body.label,
        scopes,
        typeof body.expires === 'string' ? body.expires : null,
        Date.now(),
      );
      key.last_seen_at = null;
      keys.push(key);
      send(res, 201, { key: shown(key), token: key.token });
      return;
    }
    if (req.method === 'DELETE' && item) {
      const key = keys.find((k) => k.id === decodeURIComponent(item[1]!));
      if (!key || key.state === 'disabled') {
        failure(res, 404, 'not_found', 'no such key');
        return;
      }
      Object.assign(key, { state: 'disabled', disabled_at: new Date().toISOString() });
      send(res, 204);
      return;
    }
    unhandled.push(`${req.method} ${url.pathname}`);
    failure(res, 404, 'not_found', `no route for ${req.method} ${url.pathname}`);
  }

  let origin = '';
  const server = createServer(
    (req, res) => void serve(req, res, origin).catch(() => failure(res, 500, 'internal', 'test server error')),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    baseUrl: `${origin}/v2`,
    keys,
    requests,
    unhandled,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
