import type { CreateRequest } from '../providers/types.js';
import type { CreateOption, Encoding, KeyIdForm, TimeFormat, ValueSource } from './types.js';

/** What the values of one request can come from. */
export interface ValueContext {
  /** the options of `keywarden create` */
  request?: CreateRequest;
  settings: Record<string, string>;
  credentials?: Record<string, string>;
  keyId?: string;
  oldSecretExpiresAt?: Date;
}

/** Thrown for a value a request needs and cannot have (a key id that is not a number where one must be). */
export class ValueError extends Error {}

function optionValue(option: CreateOption, request: CreateRequest | undefined): unknown {
  if (request === undefined) return undefined;
  switch (option) {
    case 'name':
      return request.name;
    case 'scopes':
      return request.scopes;
    case 'environment':
      return request.environment;
    case 'expires_at':
      return request.expiresAt;
    case 'expire_now':
      return request.expireNow ? true : undefined;
    case 'principal':
      return request.principal;
    case 'ip_allowlist':
      return request.ipAllowlist;
  }
}

/** A time as the provider wants it sent. */
export function timeAs(iso: string | Date, format: TimeFormat = 'iso8601'): string | number {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  switch (format) {
    case 'iso8601':
      return date.toISOString();
    case 'unix_seconds':
      return Math.floor(date.getTime() / 1000);
    case 'unix_ms':
      return date.getTime();
    case 'rfc2822':
      return date.toUTCString();
  }
}

function keyIdAs(id: string, form: KeyIdForm): unknown {
  const number = (): number => {
    if (!/^\d{1,15}$/.test(id)) throw new ValueError(`the key id '${id}' is not a number, which this provider needs`);
    return Number(id);
  };
  switch (form) {
    case 'string':
      return id;
    case 'number':
      return number();
    case 'string_list':
      return [id];
    case 'number_list':
      return [number()];
  }
}

/** The value of one source for one request; undefined when it is not given (the field is then left out). */
export function valueOf(source: ValueSource, context: ValueContext): unknown {
  if (typeof source === 'string') return optionValue(source, context.request);
  if ('option' in source) {
    const value = optionValue(source.option, context.request);
    if (value === undefined) return source.default;
    if (Array.isArray(value) && source.join !== undefined) return value.join(source.join);
    if (source.option === 'expires_at' && typeof value === 'string') return timeAs(value, source.format);
    return value;
  }
  if ('value' in source) return source.value;
  if ('setting' in source) return context.settings[source.setting];
  if ('credential' in source) return context.credentials?.[source.credential];
  if ('key_id' in source) return context.keyId === undefined ? undefined : keyIdAs(context.keyId, source.key_id);
  return context.oldSecretExpiresAt === undefined
    ? undefined
    : timeAs(context.oldSecretExpiresAt, source.old_secret_expires);
}

/**
 * A request body from its spec: each field from its source; a source not given leaves its field out. A dotted field
 * name builds nested objects. Objects have no prototype, so a field named `__proto__` is just a field.
 */
export function bodyOf(spec: Record<string, ValueSource>, context: ValueContext): Record<string, unknown> {
  const body = Object.create(null) as Record<string, unknown>;
  for (const [field, source] of Object.entries(spec)) {
    const value = valueOf(source, context);
    if (value === undefined) continue;
    const names = field.split('.');
    let holder = body;
    for (const name of names.slice(0, -1)) {
      const next = holder[name];
      // a copy, so a constant object of the manifest is never changed
      const copy = Object.assign(
        Object.create(null),
        typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {},
      ) as Record<string, unknown>;
      holder[name] = copy;
      holder = copy;
    }
    holder[names[names.length - 1]!] = value;
  }
  return body;
}

/** Query parameters or headers from their spec, as text; a source not given is not sent. */
export function textsOf(spec: Record<string, ValueSource> | undefined, context: ValueContext): Record<string, string> {
  const texts = Object.create(null) as Record<string, string>;
  for (const [name, source] of Object.entries(spec ?? {})) {
    const value = valueOf(source, context);
    if (value !== undefined && value !== null) texts[name] = Array.isArray(value) ? value.join(',') : textOf(value);
  }
  return texts;
}

/** A body and how it travels: JSON, or form-encoded (a list repeats its field, as Twilio and others expect). */
export function encodedBody(
  body: Record<string, unknown>,
  encoding: Encoding = 'json',
): { json?: unknown; form?: [string, string][] } {
  if (encoding === 'json') return { json: body };
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value])
      pairs.push([name, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item)]);
  }
  return { form: pairs };
}

/** A value sent as text: a number or a word as it is, anything else (a manifest's constant object) as JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}
