import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedFrom, seededRandom } from '../util/random.js';
import { coboSim } from './cobo.js';
import { dakotaSim } from './dakota.js';
import { dialnexaSim } from './dialnexa.js';
import { edgednsSim, type EdgeDnsOptions } from './edgedns.js';
import { invalidBody, type SimProvider, type SimRequest, type SimResponse } from './http.js';
import { SimAccount, type SimProviderId } from './model.js';
import { FaultInjector, type FaultOptions } from './faults.js';

export const defaultSandboxToken = 'sandbox-admin-token';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** seeded keys per provider */
  keys?: number;
  /** added to every answer */
  latencyMs?: number;
  seed?: number | string;
  /** the admin token every simulator accepts */
  token?: string;
  now?: () => number;
  edgedns?: EdgeDnsOptions;
  faults?: FaultOptions;
  /** called as each request arrives, before it is answered: tests use it to change the accounts mid-listing */
  onRequest?: (request: RequestRecord) => void;
}

export interface RequestRecord {
  provider: string;
  method: string;
  path: string;
  idempotencyKey?: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  token: string;
  /** the base URL to give keywarden for one provider */
  baseUrl(provider: SimProviderId): string;
  accounts: Record<SimProviderId, SimAccount>;
  /** every request, in order of arrival */
  requests: RequestRecord[];
  /** requests no route answered: a test that finds one here has a bug in an adapter or a simulator */
  unhandled: string[];
  /** changes the fault switches while running */
  setFaults(faults: FaultOptions): void;
  close(): Promise<void>;
}

export const simulatedProviders: SimProviderId[] = ['dialnexa', 'dakota', 'edgedns', 'cobo'];

/** Serves all four simulated provider APIs on one loopback port, one path prefix each. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const random = seededRandom(seedFrom(options.seed ?? 1));
  const token = options.token ?? defaultSandboxToken;
  const sims: Record<SimProviderId, SimProvider> = {
    dialnexa: dialnexaSim,
    dakota: dakotaSim,
    edgedns: edgednsSim(options.edgedns),
    cobo: coboSim,
  };
  const accounts = {} as Record<SimProviderId, SimAccount>;
  for (const id of simulatedProviders) {
    accounts[id] = new SimAccount(id, random, now);
    accounts[id].seed(options.keys ?? 25);
  }
  const requests: RequestRecord[] = [];
  const unhandled: string[] = [];
  const faults = new FaultInjector(options.faults ?? {});
  const stalled: ServerResponse[] = [];

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      unhandled.push(`${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) send(res, { status: 500, body: { sandbox_error: 'internal error' } });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const raw = await readBody(req);
    const id = simulatedProviders.find((p) => url.pathname === sims[p].prefix || url.pathname.startsWith(`${sims[p].prefix}/`));
    const record: RequestRecord = { provider: id ?? '-', method: req.method ?? 'GET', path: url.pathname + url.search };
    const idempotencyKey = req.headers['x-idempotency-key'];
    if (typeof idempotencyKey === 'string') record.idempotencyKey = idempotencyKey;
    requests.push(record);
    options.onRequest?.(record);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));

    const fault = faults.next(record.method, now());
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'stall') return void stalled.push(res);
    if (fault?.kind === 'fail') {
      return send(res, { status: fault.status, headers: fault.headers, body: { message: STATUS_CODES[fault.status] ?? 'Error' } });
    }
    if (faults.ignoreCursors) for (const cursor of ['starting_after', 'ending_before', 'after', 'before']) url.searchParams.delete(cursor);

    const answer = id ? answerFor(id, req, url, raw) : undefined;
    if (!answer) {
      const what = `${req.method} ${url.pathname}`;
      unhandled.push(what);
      send(res, { status: 404, body: { sandbox_error: `no simulator route for ${what}` } });
      return;
    }
    if (fault?.kind === 'lose-answer') return void req.socket.destroy();
    if (fault?.kind === 'bad-json') {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end('{"data": [ this is not json');
      return;
    }
    send(res, answer);
  }

  function answerFor(id: SimProviderId, req: IncomingMessage, url: URL, raw: string): SimResponse | undefined {
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = invalidBody;
      }
    }
    const simRequest: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.slice(sims[id].prefix.length) || '/',
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    return sims[id].handle(simRequest, { account: accounts[id], token, now });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    token,
    baseUrl: (provider) => `${url}${sims[provider].prefix}`,
    accounts,
    requests,
    unhandled,
    setFaults: (next) => faults.set(next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled.splice(0)) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, answer: SimResponse): void {
  const headers = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(answer.body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
