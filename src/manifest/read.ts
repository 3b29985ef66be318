import type { ErrorReader } from '../providers/api.js';
import { statusOf } from '../providers/normalise.js';
import {
  arrayAt,
  isCanonicalIso,
  isoFromMs,
  objectAt,
  parseIsoUtc,
  ShapeError,
  toIsoTime,
  type Fields,
} from '../providers/shape.js';
import type { KeyRecord, KeyStatus } from '../providers/types.js';
import type { ErrorSpec, KeyFields, StatusSpec, TextField, TimeField, TimeFormat } from './types.js';

/**
 * Reading a provider's answers where a manifest says the data is: dotted paths (`meta.total`) into nested objects,
 * through the defensive readers of providers/shape.ts, so a missing or mistyped field is a bad_response naming it.
 */

interface Located {
  holder: Fields;
  name: string;
}

/** Dotted paths split once: the same few are read from every key of every page. */
const splitPaths = new Map<string, readonly string[]>();

function namesOf(path: string): readonly string[] {
  let names = splitPaths.get(path);
  if (names === undefined) splitPaths.set(path, (names = path.split('.')));
  return names;
}

/** The object holding a dotted path's last field; undefined when an object on the way is absent. */
function locate(root: Fields, path: string): Located | undefined {
  const names = namesOf(path);
  let holder = root;
  for (let i = 0; i < names.length - 1; i++) {
    const name = names[i]!;
    if (!holder.has(name)) return undefined;
    holder = holder.object(name);
  }
  const name = names[names.length - 1]!;
  return Object.hasOwn(holder.raw, name) ? { holder, name } : undefined;
}

function joined(base: string, path: string): string {
  return base ? `${base}.${path}` : path;
}

export function rawAt(root: Fields, path: string): unknown {
  const at = locate(root, path);
  return at?.holder.raw[at.name];
}

/** The object at the first of the paths that holds one, or the answer itself when none does (or none is given). */
export function objectOrRoot(root: Fields, paths: readonly string[]): Fields {
  for (const path of paths) {
    const value = rawAt(root, path);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return locateObject(root, path);
  }
  return root;
}

function locateObject(root: Fields, path: string): Fields {
  const at = locate(root, path)!;
  return at.holder.object(at.name);
}

/** The first of the paths that holds a non-empty string; a bad_response naming them when none does. */
export function firstString(root: Fields, paths: readonly string[]): string {
  for (const path of paths) {
    const value = rawAt(root, path);
    if (typeof value === 'string' && value !== '') return value;
  }
  throw new ShapeError(paths.join(' or '), 'a non-empty string');
}

export function optionalInteger(root: Fields | undefined, path: string | undefined): number | null {
  if (!root || path === undefined) return null;
  const at = locate(root, path);
  return at ? at.holder.optionalInteger(at.name) : null;
}

export function flag(root: Fields | undefined, path: string): boolean {
  if (!root) return false;
  const at = locate(root, path);
  return at ? at.holder.boolean(at.name, false) : false;
}

/** A cursor: a non-empty string or a number; absent, null or '' is the end. */
export function cursorAt(root: Fields | undefined, path: string): string | null {
  const value = root ? rawAt(root, path) : undefined;
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new ShapeError(path, 'a cursor (a string)');
  return value;
}

/** The keys of a page: at `items` in the answer, or the answer itself when `items` is left out. */
export function pageItems(
  body: unknown,
  items: string | undefined,
): { root: Fields | undefined; list: unknown[]; base: string } {
  if (items === undefined) return { root: undefined, list: arrayAt(body, 'the body'), base: '' };
  const root = objectAt(body, '');
  const at = locate(root, items);
  if (!at) throw new ShapeError(items, 'a list');
  return { root, list: at.holder.array(at.name), base: items };
}

/**
 * Reading keys: the manifest's key fields made once into a reader, which every key of a listing goes through. A
 * reader of a field is a function of the key object and the key's own path (`data[3]`), which is put together only
 * for an error's words: a listing of many keys allocates next to nothing but the records it hands on.
 */

type Item = Record<string, unknown>;
type FieldReader<T> = (item: Item, base: string) => T;

/** A dotted path's value in a key object; undefined where it is absent, an error where an object on the way is not one. */
function pathReader(path: string): FieldReader<unknown> {
  const names = namesOf(path);
  const last = names[names.length - 1]!;
  if (names.length === 1) return (item) => (Object.hasOwn(item, last) ? item[last] : undefined);
  return (item, base) => {
    let holder = item;
    for (let i = 0; i < names.length - 1; i++) {
      const value = holder[names[i]!];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'object' || Array.isArray(value))
        throw new ShapeError(joined(base, names.slice(0, i + 1).join('.')), 'an object');
      holder = value as Item;
    }
    return Object.hasOwn(holder, last) ? holder[last] : undefined;
  };
}

/** The first of the paths whose value is there (not null), as `read` makes it of the value and its path. */
function firstPresent<T>(paths: string | string[], read: (value: unknown, path: string, base: string) => T) {
  const list = [paths].flat();
  const readers = list.map(pathReader);
  return (item: Item, base: string): T | null => {
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i]!(item, base);
      if (value !== undefined && value !== null) return read(value, list[i]!, base);
    }
    return null;
  };
}

function textReader(spec: TextField | undefined): FieldReader<string | null> {
  if (spec === undefined) return () => null;
  if (!Array.isArray(spec) && typeof spec === 'object') {
    const { value } = spec;
    return () => value;
  }
  return firstPresent(spec, (value, path, base) => {
    if (value === '') return null;
    if (typeof value !== 'string') throw new ShapeError(joined(base, path), 'a string');
    return value;
  });
}

/** A list of strings, or one comma-separated string. */
function listReader(paths: string | string[] | undefined): FieldReader<string[] | null> {
  if (paths === undefined) return () => null;
  return firstPresent(paths, (value, path, base) => {
    if (typeof value === 'string') return value.split(/[,\s]+/).filter(Boolean);
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw new ShapeError(joined(base, path), 'a list of strings');
    return value as string[];
  });
}

function timeReader(spec: TimeField | undefined): FieldReader<string | null> {
  if (spec === undefined) return () => null;
  const path = typeof spec === 'string' ? spec : spec.path;
  const format = typeof spec === 'string' ? undefined : spec.format;
  const read = pathReader(path);
  const textual = format === undefined || format === 'iso8601' || format === 'rfc2822';
  return (item, base) => {
    const value = read(item, base);
    if (value === undefined || value === null) return null;
    if (textual && typeof value === 'string' && isCanonicalIso(value)) return value;
    return format === undefined ? toIsoTime(value, joined(base, path)) : timeAs(value, format, joined(base, path));
  };
}

const formatWords: Record<TimeFormat, string> = {
  iso8601: 'an ISO 8601 time',
  unix_seconds: 'unix seconds',
  unix_ms: 'unix milliseconds',
  rfc2822: 'an RFC 2822 time',
};

/** A time in a declared format, where toIsoTime would guess: unix milliseconds below 1e11 are not seconds here. */
function timeAs(value: unknown, format: TimeFormat, path: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  const fail = (): never => {
    throw new ShapeError(path, formatWords[format]);
  };
  if (format === 'iso8601' || format === 'rfc2822') {
    if (typeof value !== 'string') return fail();
    if (isCanonicalIso(value)) return value;
    const ms =
      format === 'iso8601' ? (/^\d{4}-\d{2}-\d{2}/.test(value) ? parseIsoUtc(value) : Number.NaN) : Date.parse(value);
    return isoFromMs(ms) ?? fail();
  }
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return fail();
  return isoFromMs(format === 'unix_ms' ? number : number * 1000) ?? fail();
}

const statuses: readonly string[] = ['active', 'expired', 'revoked'] satisfies KeyStatus[];
const ownWords: Record<string, KeyStatus> = Object.fromEntries(statuses.map((s) => [s, s as KeyStatus]));

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

type StatusReader = (item: Item, base: string, expiresAt: string | null, now: Date) => KeyStatus;

function statusReader(spec: StatusSpec | undefined): StatusReader {
  const revokedIf = spec?.revoked_if === undefined ? undefined : pathReader(spec.revoked_if);
  const expiredIf = spec?.expired_if === undefined ? undefined : pathReader(spec.expired_if);
  const path = spec?.path;
  const said = path === undefined ? undefined : pathReader(path);
  const words = spec?.map ?? ownWords;
  return (item, base, expiresAt, now) => {
    let revoked = revokedIf !== undefined && truthy(revokedIf(item, base));
    let expired = expiredIf !== undefined && truthy(expiredIf(item, base));
    const value = said?.(item, base);
    // an absent status says nothing: active, unless a flag or the expiry date says otherwise
    if (value !== undefined && value !== null) {
      const word =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : undefined;
      const status = word !== undefined && Object.hasOwn(words, word) ? words[word] : undefined;
      if (status === undefined) throw new ShapeError(joined(base, path!), `one of ${Object.keys(words).join(', ')}`);
      revoked ||= status === 'revoked';
      expired ||= status === 'expired';
    }
    return statusOf({ revoked, expired, expiresAt }, now);
  };
}

function idReader(path: string): FieldReader<string> {
  const read = pathReader(path);
  return (item, base) => {
    const value = read(item, base);
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string' || value === '') throw new ShapeError(joined(base, path), 'a non-empty string');
    return value;
  };
}

/** What reading a key needs to know of the provider beyond its key fields. */
export interface KeyReading {
  usageTracked: boolean;
  /** a provider that has allowlists: a key without one has an empty one, not an unknown one */
  allowlists: boolean;
}

/** A provider's key object as keywarden's key record; `base` is where the object is in the answer, for errors. */
export type KeyReader = (value: unknown, base: string, now: Date) => KeyRecord;

/** The reader of a provider's key objects, from the manifest's key fields. */
export function keyReader(fields: KeyFields, { usageTracked, allowlists }: KeyReading): KeyReader {
  const id = idReader(fields.id);
  const name = textReader(fields.name);
  const status = statusReader(fields.status);
  const createdAt = timeReader(fields.created_at);
  const lastUsedAt = timeReader(fields.last_used_at);
  const expiresAt = timeReader(fields.expires_at);
  const revokedAt = timeReader(fields.revoked_at);
  const prefix = textReader(fields.prefix);
  const hint = textReader(fields.hint);
  const environment = textReader(fields.environment);
  const scopes = listReader(fields.scopes);
  const owner = textReader(fields.owner);
  const ipAllowlist = listReader(fields.ip_allowlist);
  return (value, base, now) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ShapeError(base || 'the body', 'an object');
    const item = value as Item;
    const expires = expiresAt(item, base);
    // the fields in the order of the key document
    return {
      id: id(item, base),
      name: name(item, base),
      status: status(item, base, expires, now),
      created_at: createdAt(item, base),
      last_used_at: lastUsedAt(item, base),
      expires_at: expires,
      revoked_at: revokedAt(item, base),
      prefix: prefix(item, base),
      hint: hint(item, base),
      environment: environment(item, base),
      scopes: scopes(item, base) ?? [],
      owner: owner(item, base),
      ip_allowlist: ipAllowlist(item, base) ?? (allowlists ? [] : null),
      usage_tracked: usageTracked,
    };
  };
}

export const defaultErrorMessages = ['message', 'error.message', 'error_description', 'error', 'detail', 'title'];

/** A value of an error body a person can read: a string, a number, or a list of strings joined. */
function readable(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.join('; ');
  return undefined;
}

/**
 * Walks a dotted path through whatever an error body is, never throwing: a gateway may answer in any shape. A list on
 * the way is read item by item (`errors.message` over `errors: [{message}, ...]`), giving the list of what each holds.
 */
function lenientAt(value: unknown, path: string): unknown {
  const [name, ...rest] = path.split('.');
  if (Array.isArray(value)) {
    const found = value.map((item) => lenientAt(item, path)).filter((v) => v !== undefined);
    return found.length > 0 ? found : undefined;
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, name!)) return undefined;
  const here = (value as Record<string, unknown>)[name!];
  return rest.length === 0 ? here : lenientAt(here, rest.join('.'));
}

/** The manifest's `errors`: the first readable message field, with the code after it in brackets. */
export function errorReader(spec: ErrorSpec | undefined): ErrorReader {
  const messages = spec?.message === undefined ? defaultErrorMessages : [spec.message].flat();
  return (body) => {
    if (typeof body === 'string') return body;
    const message = messages.map((path) => readable(lenientAt(body, path))).find((m) => m !== undefined);
    const code = spec?.code === undefined ? undefined : readable(lenientAt(body, spec.code));
    if (message === undefined) return code;
    return code === undefined || message.includes(code) ? message : `${message} (${code})`;
  };
}
