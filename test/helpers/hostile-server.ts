import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A provider gone wrong, on 127.0.0.1, each misbehaviour under its own base URL: `/big` a 100 MB answer, `/endless`
 * a body that never ends, `/drip` a byte every 2 seconds, `/pages` (DialNexa's shape) and `/cursor` (Cobo's) fresh
 * pages for ever, `/dots` keys with the ids `.` and `..`, `/deep` an error nested 100,000 levels deep.
 * `/link` serves Link pagination for ever, in the shape of the Acme test manifest.
 */
export interface HostileServer {
  url: string;
  /** method and path of every request */
  requests: string[];
  close(): Promise<void>;
}

const key = (id: string) => ({
  id,
  name: `key ${id}`,
  created_at: '2025-01-01T00:00:00Z',
  last_used_at: null,
  is_expired: false,
});

/** Writes chunks while the client reads, until `total` bytes (or for ever); stops when the client goes away. */
function stream(res: ServerResponse, chunk: Buffer, total = Infinity): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => (sent = total));
  pump();
}

export async function startHostile(): Promise<HostileServer> {
  const requests: string[] = [];
  let page = 0;
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://hostile');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const [, kind] = url.pathname.split('/');
    switch (kind) {
      case 'big':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
        {
          stream(res, Buffer.alloc(1024 * 1024, 0x20), 100 * 1024 * 1024);
          return;
        }
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data": [');
        {
          stream(res, Buffer.from(`${JSON.stringify(key('x'.repeat(40)))},`.repeat(1000)));
          return;
        }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 2_000);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'pages':
        // full pages of new keys, and never a total: a page-number walk that would not end
        page += 1;
        {
          json({ data: Array.from({ length: 1 }, (_, i) => key(`key_p${page}_${i}`)) });
          return;
        }
      case 'cursor':
        page += 1;
        {
          json({
            success: true,
            result: [{ ...key(`c${page}`), is_revoked: false }],
            meta: { has_more: true, after: `cursor-${page}` },
          });
          return;
        }
      case 'link': {
        page += 1;
        const next = `<http://${req.headers.host}/link/v2/keys?page=${page + 1}>; rel="next"`;
        json([{ id: `l${page}`, label: `key ${page}`, state: 'enabled', created: Date.now() }], { link: next });
        return;
      }
      case 'dots':
        if (req.method === 'GET') {
          json({ data: [key('.'), key('..')], meta: { page: 1, limit: 100, total: 2, totalPages: 1 } });
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"message":"API key revoked."}');
      case 'deep':
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(`${'{"message":'.repeat(100_000)}"x"${'}'.repeat(100_000)}`);
      default:
        res.writeHead(404);
        res.end();
    }
  };
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
