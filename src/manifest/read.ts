import type { ErrorReader } from '../providers/api.js';
import { keyRecord, statusOf } from '../providers/normalise.js';
import {
  arrayAt,
  isCanonicalIso,
  isoFromMs,
  objectAt,
  parseIsoUtc,
  ShapeError,
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

export function requiredString(root: Fields, path: string, base: string): string {
  const at = locate(root, path);
  if (!at) throw new ShapeError(joined(base, path), 'a non-empty string');
  return at.holder.string(at.name);
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

/** The first of the paths that is there (present and not null). */
function present(root: Fields, paths: string | string[]): Located | undefined {
  for (const path of [paths].flat()) {
    const at = locate(root, path);
    if (at && at.holder.raw[at.name] !== null && at.holder.raw[at.name] !== undefined) return at;
  }
  return undefined;
}

function text(root: Fields, spec: TextField | undefined): string | null {
  if (spec === undefined) return null;
  if (!Array.isArray(spec) && typeof spec === 'object') return spec.value;
  const at = present(root, spec);
  return at ? at.holder.optionalString(at.name) : null;
}

function list(root: Fields, paths: string | string[] | undefined): string[] | null {
  if (paths === undefined) return null;
  const at = present(root, paths);
  return at ? at.holder.optionalStringList(at.name) : null;
}

function time(root: Fields, spec: TimeField | undefined, base: string): string | null {
  if (spec === undefined) return null;
  const path = typeof spec === 'string' ? spec : spec.path;
  const at = locate(root, path);
  if (!at) return null;
  if (typeof spec === 'string') return at.holder.time(at.name);
  return timeAs(at.holder.raw[at.name], spec.format, joined(base, path));
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

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function status(
  root: Fields,
  spec: StatusSpec | undefined,
  expiresAt: string | null,
  now: Date,
  base: string,
): KeyStatus {
  let revoked = spec?.revoked_if !== undefined && truthy(rawAt(root, spec.revoked_if));
  let expired = spec?.expired_if !== undefined && truthy(rawAt(root, spec.expired_if));
  const value = spec?.path === undefined ? undefined : rawAt(root, spec.path);
  // an absent status says nothing: active, unless a flag or the expiry date says otherwise
  if (spec?.path !== undefined && value !== undefined && value !== null) {
    const words = spec.map ?? Object.fromEntries(statuses.map((s) => [s, s as KeyStatus]));
    const word =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    const said = word !== undefined && Object.hasOwn(words, word) ? words[word] : undefined;
    if (said === undefined) throw new ShapeError(joined(base, spec.path), `one of ${Object.keys(words).join(', ')}`);
    revoked ||= said === 'revoked';
    expired ||= said === 'expired';
  }
  return statusOf({ revoked, expired, expiresAt }, now);
}

/** What reading a key needs to know of the provider beyond its key fields. */
export interface KeyReading {
  usageTracked: boolean;
  /** a provider that has allowlists: a key without one has an empty one, not an unknown one */
  allowlists: boolean;
  now: Date;
}

/** One key object of the provider as keywarden's key record. */
export function readKey(value: unknown, base: string, fields: KeyFields, reading: KeyReading): KeyRecord {
  const { usageTracked, now } = reading;
  const f = objectAt(value, base);
  const expiresAt = time(f, fields.expires_at, base);
  return keyRecord({
    id: requiredString(f, fields.id, base),
    name: text(f, fields.name),
    status: status(f, fields.status, expiresAt, now, base),
    created_at: time(f, fields.created_at, base),
    last_used_at: time(f, fields.last_used_at, base),
    expires_at: expiresAt,
    revoked_at: time(f, fields.revoked_at, base),
    prefix: text(f, fields.prefix),
    hint: text(f, fields.hint),
    environment: text(f, fields.environment),
    scopes: list(f, fields.scopes) ?? [],
    owner: text(f, fields.owner),
    ip_allowlist: list(f, fields.ip_allowlist) ?? (reading.allowlists ? [] : null),
    usage_tracked: usageTracked,
  });
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
