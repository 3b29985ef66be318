import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedFrom, seededRandom } from '../util/random.js';
import { coboSim } from './cobo.js';
import { dakotaSim } from './dakota.js';
import { dialnexaSim } from './dialnexa.js';
import { edgednsSim, type EdgeDnsOptions } from './edgedns.js';
import { githubOrgSim } from './github-org.js';
import { invalidBody, type SimProvider, type SimRequest, type SimResponse } from './http.js';
import { launchdarklySim } from './launchdarkly.js';
import { SimAccount, type SandboxProviderId, type SimProviderId, type VendorSimId } from './model.js';
import { muxSim } from './mux.js';
import { npmSim, type NpmSimOptions } from './npm.js';
import { sendgridSim } from './sendgrid.js';
import { twilioSim } from './twilio.js';
import { vercelSim } from './vercel.js';
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
  /** the npm account: two-factor auth, and whether `urls.next` is absolute */
  npm?: NpmSimOptions;
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
  /** the base URL to give keywarden for one provider; for a vendor, its API's root (the vendor's host) */
  baseUrl(provider: SandboxProviderId): string;
  /** the simulated accounts; a vendor's is made and seeded the first time it is asked for */
  accounts: Record<SandboxProviderId, SimAccount>;
  /** every request, in order of arrival */
  requests: RequestRecord[];
  /** requests no route answered: a test that finds one here has a bug in an adapter or a simulator */
  unhandled: string[];
  /** changes the fault switches while running */
  setFaults(faults: FaultOptions): void;
  close(): Promise<void>;
}

/** The simulators of keywarden's built-in providers. */
export const simulatedProviders: SimProviderId[] = ['dialnexa', 'dakota', 'edgedns', 'cobo'];
/** The simulators of real vendors' key APIs, each below `/<id>`, which stands for the vendor's API host. */
export const vendorSimulators: VendorSimId[] = [
  'npm',
  'sendgrid',
  'vercel',
  'launchdarkly',
  'twilio',
  'mux',
  'github-org',
];
export const sandboxProviders: SandboxProviderId[] = [...simulatedProviders, ...vendorSimulators];

/** Serves every simulated provider API on one loopback port, one path prefix each. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const random = seededRandom(seedFrom(seed));
  const token = options.token ?? defaultSandboxToken;
  const sims: Record<SandboxProviderId, SimProvider> = {
    dialnexa: dialnexaSim,
    dakota: dakotaSim,
    edgedns: edgednsSim(options.edgedns),
    cobo: coboSim,
    npm: npmSim(options.npm),
    sendgrid: sendgridSim,
    vercel: vercelSim,
    launchdarkly: launchdarklySim,
    twilio: twilioSim,
    mux: muxSim,
    'github-org': githubOrgSim,
  };
  const accounts = {} as Record<SandboxProviderId, SimAccount>;
  for (const id of simulatedProviders) {
    accounts[id] = new SimAccount(id, random, now);
    accounts[id].seed(options.keys ?? 25);
  }
  // Each vendor account draws from its own stream, so the built-in providers' data is what it always was for a seed,
  // and it is made on first use, so a sandbox of 100,000 keys a provider does not seed 700,000 more nobody asks for.
  for (const id of vendorSimulators) {
    let account: SimAccount | undefined;
    Object.defineProperty(accounts, id, {
      enumerable: true,
      get: () => {
        if (!account) {
          account = new SimAccount(id, seededRandom(seedFrom(`${seed}:${id}`)), now);
          account.seed(options.keys ?? 25);
        }
        return account;
      },
    });
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
    const id = sandboxProviders.find(
      (p) => url.pathname === sims[p].prefix || url.pathname.startsWith(`${sims[p].prefix}/`),
    );
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
      send(res, {
        status: fault.status,
        headers: fault.headers,
        body: { message: STATUS_CODES[fault.status] ?? 'Error' },
      });
      return;
    }
    if (faults.ignoreCursors)
      for (const cursor of ['starting_after', 'ending_before', 'after', 'before']) url.searchParams.delete(cursor);

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

  function answerFor(id: SandboxProviderId, req: IncomingMessage, url: URL, raw: string): SimResponse | undefined {
    const body = raw.length > 0 ? parseBody(raw, req.headers['content-type']) : undefined;
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

/** A form-encoded body (Twilio's) as a plain object of strings, the last of a repeated name winning; anything else as JSON. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  if (contentType?.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return invalidBody;
  }
}

function send(res: ServerResponse, answer: SimResponse): void {
  const headers = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  const contentType = headers['content-type'];
  if (typeof answer.body === 'string' && contentType !== undefined && !contentType.includes('json')) {
    // a text answer (a Mux playlist) goes out as it is
    res.writeHead(answer.status, headers);
    res.end(answer.body);
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
