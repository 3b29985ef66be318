import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * "Tally", a made-up key API on 127.0.0.1 that needs each format feature a manifest can describe: HTTP Basic auth
 * with the account in the user, the account id in every path, offset, next-URL and stated-page-size pagination,
 * form-encoded or JSON creates with a password and a one-time password, RFC 2822 and zoneless ISO times, scopes as
 * one space-separated string, revoke by POST of a list of numeric ids, and a native reset. Every request is recorded
 * with its headers and body, so tests see exactly what keywarden sent.
 */
export interface TallyKey {
  id: number;
  label: string;
  token: string;
  scope: string;
  created: string;
  seen: string | null;
  revoked: boolean;
  /** the token before a reset, and until when it still works */
  previous?: { token: string; until: number };
}

export interface TallyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TallyServer {
  url: string;
  account: string;
  password: string;
  otp: string;
  keys: TallyKey[];
  requests: TallyRequest[];
  close(): Promise<void>;
}

export async function startTally(options: {
  account: string;
  token: string;
  keys: number;
  pageSize: number;
}): Promise<TallyServer> {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const otp = '123456';
  const keys: TallyKey[] = [];
  const newToken = (): string => `tly_${randomBytes(16).toString('hex')}`;
  for (let id = 1; id <= options.keys; id++) {
    keys.push({
      id,
      label: `key ${id}`,
      token: newToken(),
      scope: 'read write',
      created: new Date(Date.UTC(2025, 0, id)).toUTCString(),
      seen: id % 2 ? '2025-06-01T12:00:00' : null,
      revoked: false,
    });
  }
  const requests: TallyRequest[] = [];
  const shown = (k: TallyKey) => ({
    id: k.id,
    label: k.label,
    token_tail: k.token.slice(-4),
    scope: k.scope,
    date_created: k.created,
    last_seen: k.seen,
    revoked: k.revoked,
  });
  const send = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  async function serve(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text,
    });
    const expected = `Basic ${Buffer.from(`${options.account}:${options.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      send(res, 401, { error: 'bad credentials' });
      return;
    }
    const prefix = `/v1/accounts/${options.account}`;
    if (!url.pathname.startsWith(`${prefix}/`)) {
      send(res, 404, { error: `no route ${url.pathname}` });
      return;
    }
    const path = url.pathname.slice(prefix.length);
    const live = keys.filter((k) => !k.revoked);
    const window = (offset: number) => live.slice(offset, offset + options.pageSize).map(shown);

    if (req.method === 'GET' && path === '/offset/keys') {
      send(res, 200, { keys: window(Number(url.searchParams.get('offset') ?? 0)), total: live.length });
      return;
    }
    if (req.method === 'GET' && path === '/next/keys') {
      const offset = Number(url.searchParams.get('after') ?? 0);
      const more = offset + options.pageSize < live.length;
      send(res, 200, {
        keys: window(offset),
        meta: { next_page_uri: more ? `${prefix}/next/keys?after=${offset + options.pageSize}` : null },
      });
      return;
    }
    if (req.method === 'GET' && path === '/page/keys') {
      const page = Number(url.searchParams.get('page') ?? 1);
      send(res, 200, {
        keys: window((page - 1) * options.pageSize),
        meta: { limit: options.pageSize, total: live.length },
      });
      return;
    }
    if (req.method === 'POST' && path === '/keys') {
      const form = req.headers['content-type'] === 'application/x-www-form-urlencoded';
      const fields: Record<string, unknown> = form
        ? Object.fromEntries(new URLSearchParams(text))
        : (JSON.parse(text || '{}') as Record<string, unknown>);
      if (fields.password !== password) {
        send(res, 401, { error: 'wrong password' });
        return;
      }
      if (req.headers['x-otp'] !== otp) {
        send(res, 401, { error: 'one-time password needed' });
        return;
      }
      const key: TallyKey = {
        id: keys.length + 1,
        label: typeof fields.Label === 'string' ? fields.Label : '',
        token: newToken(),
        scope: typeof fields.Scope === 'string' ? fields.Scope : '',
        created: new Date().toUTCString(),
        seen: null,
        revoked: false,
      };
      keys.push(key);
      send(res, 201, { data: { ...shown(key), token_tail: undefined }, secret: { value: key.token } });
      return;
    }
    if (req.method === 'POST' && path === '/keys/revoke') {
      const { ids } = JSON.parse(text) as { ids: number[] };
      for (const key of keys.filter((k) => ids.includes(k.id))) key.revoked = true;
      send(res, 202, { revoked: ids.length });
      return;
    }
    const reset = /^\/keys\/(\d+)\/reset$/.exec(path);
    if (req.method === 'POST' && reset) {
      const key = keys.find((k) => k.id === Number(reset[1]));
      if (!key) {
        send(res, 404, { error: 'no such key' });
        return;
      }
      key.previous = { token: key.token, until: Number(url.searchParams.get('expiry') ?? Date.now()) };
      key.token = newToken();
      send(res, 200, { ...shown(key), token: key.token });
      return;
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  }

  let origin = '';
  const server = createServer(
    (req, res) => void serve(req, res, origin).catch(() => send(res, 500, { error: 'test server error' })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    account: options.account,
    password,
    otp,
    keys,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
