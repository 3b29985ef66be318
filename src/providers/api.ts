import { STATUS_CODES } from 'node:http';
import { KeywardenError, UsageError } from '../errors.js';
import { AnswerTooLarge, TransportError, type HttpMethod } from '../http/client.js';
import { ProviderError, kindOfStatus } from './errors.js';
import { ShapeError } from './shape.js';
import type { ProviderSettings } from './types.js';

export interface ApiCall {
  method: HttpMethod;
  /** below the base URL, with `{name}` placeholders filled from params; errors show the template, never values */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: [string, string][];
  headers?: Record<string, string>;
  /** a POST that may be sent again because it carries an idempotency key */
  repeatable?: boolean;
  signal?: AbortSignal;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  endpoint: string;
}

/** Pulls a readable message out of a provider's error body, whatever its shape. */
export type ErrorReader = (body: unknown) => string | undefined;

/**
 * The HTTP side of one provider: base URL, auth headers, the provider's error shape. Turns every failure into a
 * ProviderError naming the provider and endpoint, with the credential scrubbed from anything the provider said.
 */
export class ProviderApi {
  constructor(
    readonly provider: string,
    private readonly settings: ProviderSettings,
    private readonly authHeaders: Record<string, string>,
    private readonly readError: ErrorReader,
  ) {}

  endpoint(call: Pick<ApiCall, 'method' | 'path'>): string {
    return `${call.method} ${call.path}`;
  }

  /** `carriedOut`: the provider answered 2xx, so the request took effect although its answer cannot be used */
  fail(
    kind: ProviderError['kind'],
    call: Pick<ApiCall, 'method' | 'path'>,
    detail: string,
    status?: number,
    carriedOut = false,
  ): ProviderError {
    return new ProviderError(kind, this.provider, this.endpoint(call), this.scrub(detail), status, carriedOut);
  }

  async call(call: ApiCall): Promise<ApiAnswer> {
    const endpoint = this.endpoint(call);
    const url = this.urlFor(call);
    let response;
    try {
      response = await this.settings.http.request({
        method: call.method,
        url,
        headers: { ...this.authHeaders, ...call.headers },
        json: call.json,
        form: call.form,
        repeatable: call.repeatable,
        signal: call.signal,
      });
    } catch (error) {
      if (error instanceof TransportError) {
        throw new ProviderError(
          'unavailable',
          this.provider,
          endpoint,
          `${error.detail} (${url.host})`,
          undefined,
          error.maybeProcessed,
        );
      }
      // the request was answered, so it may have been carried out
      if (error instanceof AnswerTooLarge)
        throw new ProviderError(
          'bad_response',
          this.provider,
          endpoint,
          error.message,
          undefined,
          true,
          'if the provider really sends answers this large, raise the limit with --max-response',
        );
      throw error;
    }
    const body = this.parse(call, response.status, response.text, response.headers['content-type']);
    if (response.status >= 400) {
      // a gateway or proxy in front of the provider answers in its own shape: then the status says it
      const said = this.readError(body) ?? STATUS_CODES[response.status];
      const detail = `${response.status}${said ? ` ${oneLine(said)}` : ''}`;
      throw this.fail(kindOfStatus(response.status), call, detail, response.status);
    }
    if (response.status >= 300) throw this.fail('bad_response', call, `unexpected ${response.status}`, response.status);
    return { status: response.status, headers: response.headers, body, endpoint };
  }

  /** Runs a reader over an answer's body; a missing or mistyped field is a bad_response naming it. */
  read<T>(answer: ApiAnswer, call: Pick<ApiCall, 'method' | 'path'>, reader: (body: unknown) => T): T {
    try {
      return reader(answer.body);
    } catch (error) {
      if (error instanceof ShapeError)
        throw this.fail('bad_response', call, `unexpected answer: ${error.message}`, answer.status, true);
      throw error;
    }
  }

  private urlFor(call: ApiCall): URL {
    const base = new URL(this.settings.baseUrl);
    const path = call.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = call.params?.[name] ?? '';
      // `DELETE /api-keys/` with the id missing can mean "every key" (Dakota): never send a path with a hole in it
      if (value.trim() === '')
        throw new UsageError(`${this.provider}: refusing ${this.endpoint(call)} with an empty ${name}`);
      // `.` and `..` would address the path above the key, and a server may decode %2F, %3F or %23 before routing
      if (value === '.' || value === '..' || /[/?#\\\u0000-\u001f\u007f]/.test(value)) {
        throw new KeywardenError(
          `${this.provider}: refusing ${this.endpoint(call)} with the ${name} '${value}', which would address another path`,
        );
      }
      return encodeURIComponent(value);
    });
    const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
    if (call.query === undefined) return url;
    // one query written once: url.searchParams.set writes the whole query again at each parameter
    const query = new URLSearchParams(url.search);
    for (const [name, value] of Object.entries(call.query)) {
      if (value !== undefined) query.set(name, String(value));
    }
    url.search = query.toString();
    return url;
  }

  private parse(call: ApiCall, status: number, text: string, contentType: string | undefined): unknown {
    if (text.trim() === '') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (status >= 400) return text;
      throw this.fail(
        'bad_response',
        call,
        `the answer (${status}, ${contentType ?? 'no content type'}) is not JSON`,
        status,
        true,
      );
    }
    if (nestedDeeperThan(body, maxDepth)) {
      if (status >= 400) return undefined;
      throw this.fail(
        'bad_response',
        call,
        `the answer (${status}) nests deeper than ${maxDepth} levels`,
        status,
        true,
      );
    }
    return body;
  }

  private scrub(text: string): string {
    const { token } = this.settings;
    return token.length >= 4 ? text.split(token).join('***') : text;
  }
}

/** No key API nests its answers this deep; a body that does is hostile, and reading it could overflow the stack. */
const maxDepth = 64;

/**
 * Whether a parsed JSON value nests objects and arrays deeper than `max`: a walk over its lists and objects with a
 * stack of its own (the value may be too deep for recursion), stopping at the first one too deep.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  // two stacks side by side, values and their depths: no tuple or list of values made for each object
  const holders: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) {
    holders.push(value);
    depths.push(1);
  }
  while (holders.length > 0) {
    const holder = holders.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(holder)) {
      for (const child of holder as unknown[]) {
        if (typeof child === 'object' && child !== null) {
          holders.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const name in holder) {
        const child = (holder as Record<string, unknown>)[name];
        if (typeof child === 'object' && child !== null) {
          holders.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
