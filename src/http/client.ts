import type { LookupAddress } from 'node:dns';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import type { Agent, Dispatcher } from 'undici';
import { retryDecision, type RetryPolicy, defaultRetryPolicy } from './retry.js';
import { redactUrl } from './redact.js';
import { loadUndici, type Undici } from './undici.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  json?: unknown;
  /** a form-encoded body, as name and value pairs (a name may repeat) */
  form?: [string, string][];
  /** a POST that may be sent again (the provider takes an idempotency key); GET and DELETE always may */
  repeatable?: boolean;
  /** instead of the client's own: a guarded step's signal, which only a forced stop aborts */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface HttpClientOptions {
  /** how long an attempt may take, from sending to the last byte of the answer */
  timeoutMs: number;
  /** the largest answer read; a larger one is refused as soon as it passes this (default 8 MiB) */
  maxResponseBytes?: number;
  /** a wait of a few seconds or more before a retry, said to the person */
  notice?: (line: string) => void;
  /** every retry, however short its wait: for the status line */
  retrying?: (line: string) => void;
  /** one line per attempt: method, URL, status, time, attempt; never headers or bodies */
  trace?: (line: string) => void;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

/** An answer larger than the client reads: a hostile or broken server, never a key listing. */
export class AnswerTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the answer is larger than ${formatBytes(limit)}`);
  }
}

export const defaultMaxResponseBytes = 8 * 1024 * 1024;

/** What went wrong with an attempt, as the person reads it. */
function failureWords(err: FailedDispatch, timeoutMs: number): string {
  if (err.statusCode === 429) return 'is rate limiting keywarden';
  if (err.statusCode !== undefined) return `answered ${err.statusCode}`;
  return `failed: ${describeTransportFailure(err.code ?? '', timeoutMs)}`;
}

const formatWait = (ms: number): string => (ms < 1_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`);

/** A wait before a retry at least this long is said on stderr. */
const noticeableWaitMs = 2_000;

/**
 * Why a request got no HTTP answer. `maybeProcessed` is true when the request may have reached the server
 * (a timeout or a reset after sending), so a create's outcome is unknown.
 */
export class TransportError extends Error {
  constructor(
    readonly detail: string,
    readonly maybeProcessed: boolean,
  ) {
    super(detail);
  }
}

const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

type FailedDispatch = Error & {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
};

/** One pooled keep-alive dispatcher for the whole run, with undici's retry interceptor under our policy. */
interface Pool {
  agent: Agent;
  /** the agent under undici's retry interceptor */
  dispatcher: Dispatcher;
  undici: Undici;
}

/** What a provider needs of the client: a request with retries, bounds and tracing. */
export type Requester = Pick<HttpClient, 'request'>;

export class HttpClient {
  private pool: Pool | undefined;

  constructor(private readonly options: HttpClientOptions) {}

  /** undici is loaded on the first request, so a command that sends none never pays for it. */
  private connection(): Pool {
    if (!this.pool) {
      const undici = loadUndici();
      const agent = new undici.Agent({
        keepAliveTimeout: 10_000,
        connect: { timeout: this.options.timeoutMs, lookup: loopbackLookup },
      });
      this.pool = { agent, dispatcher: agent.compose(undici.retry({ throwOnError: false })), undici };
    }
    return this.pool;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const { timeoutMs, trace } = this.options;
    const signal = req.signal ?? this.options.signal;
    const policy = this.options.retry ?? defaultRetryPolicy;
    const shownUrl = redactUrl(req.url);
    const repeatable = req.method !== 'POST' || req.repeatable === true;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }

    const firstStart = policy.now();
    let attemptStart = firstStart;
    let attempt = 1;
    const traceAttempt = (outcome: string | number, suffix = ''): void =>
      trace?.(`${req.method} ${shownUrl} ${outcome} ${policy.now() - attemptStart}ms attempt ${attempt}${suffix}`);

    // undici calls this after every failed attempt (a network error, or any status >= 300 since throwOnError
    // is off); calling back with the error ends the retries and hands that outcome to us.
    const retry = (
      err: FailedDispatch,
      context: { state: { counter: number } },
      callback: (e?: Error | null) => void,
    ): void => {
      attempt = context.state.counter;
      const delay = repeatable
        ? retryDecision(policy, {
            attempt,
            status: err.statusCode,
            code: err.code,
            headers: err.headers,
            elapsedMs: policy.now() - firstStart,
          })
        : null;
      if (delay === null) {
        callback(err);
        return;
      }
      traceAttempt(err.statusCode ?? err.code ?? 'error', `, retrying in ${delay}ms`);
      const said = `${req.url.host} ${failureWords(err, timeoutMs)}; trying again in ${formatWait(delay)} (attempt ${attempt + 1} of ${policy.maxAttempts})`;
      this.options.retrying?.(said);
      if (delay >= noticeableWaitMs) this.options.notice?.(said);
      const nextAttempt = (): void => {
        attempt += 1;
        attemptStart = policy.now();
        callback(null);
      };
      if (policy.sleep) void policy.sleep(delay).then(nextAttempt);
      else setTimeout(nextAttempt, delay);
    };

    try {
      const { dispatcher, undici } = this.connection();
      const response = await undici.request(dispatcher, {
        origin: req.url.origin,
        path: req.url.pathname + req.url.search,
        method: req.method,
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        retryOptions: { retry },
      } as Dispatcher.RequestOptions);
      const text = await readBody(
        response,
        this.options.maxResponseBytes ?? defaultMaxResponseBytes,
        attemptStart + timeoutMs - policy.now(),
      );
      traceAttempt(response.statusCode);
      return { status: response.statusCode, headers: flattenHeaders(response.headers), text };
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof AnswerTooLarge) {
        traceAttempt('too large');
        throw error;
      }
      const code = (error as { code?: string }).code ?? '';
      traceAttempt(code || 'error');
      throw new TransportError(describeTransportFailure(code, timeoutMs), !notSentCodes.has(code));
    }
  }

  async close(): Promise<void> {
    await this.pool?.agent.close();
  }
}

const require = createRequire(import.meta.url);

/**
 * `*.localhost` is this machine (RFC 6761): it is never asked of DNS, which could answer with another host. DNS is
 * loaded when a name is first looked up: a run that connects to an address needs none.
 */
const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith('.localhost')) {
    (require('node:dns') as typeof import('node:dns')).lookup(hostname, options, callback);
    return;
  }
  if (options.all)
    (callback as (error: null, addresses: LookupAddress[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/**
 * The answer's body, within bounds a server cannot stretch: at most `limit` bytes, and whole by the attempt's
 * deadline, however slowly it drips.
 */
async function readBody(response: Dispatcher.ResponseData, limit: number, msLeft: number): Promise<string> {
  const { body } = response;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw new AnswerTooLarge(limit);
  }
  const timer = setTimeout(
    () => body.destroy(Object.assign(new Error('deadline'), { code: 'UND_ERR_BODY_TIMEOUT' })),
    Math.max(0, msLeft),
  );
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new AnswerTooLarge(limit);
      }
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function describeTransportFailure(code: string, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer within ${timeoutMs / 1000}s`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'connection reset';
    default:
      return `network error${code ? ` (${code})` : ''}`;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
