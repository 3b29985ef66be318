/** Reading a provider's JSON defensively: each reader names the field it wanted when the answer lacks it. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path} is not ${expected}`);
  }
}

export function objectAt(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ShapeError(path || 'the body', 'an object');
  return new Fields(value as Record<string, unknown>, path);
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'a list');
  return value;
}

/** An ISO 8601 date-time without a zone is UTC here, not the local time Date.parse would take it for. */
export function parseIsoUtc(text: string): number {
  return Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/T\d/.test(text) ? text : `${text}Z`);
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z */
const earliestTime = -62_167_219_200_000;
const latestTime = 253_402_300_799_999;
const rfc2822 = /^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UT|UTC)$/;

/** Where `2024-03-01T10:00:00.000Z` has its digits. */
const isoDigits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * Whether a text is already a time as keywarden writes them, `2024-03-01T10:00:00.000Z`, with a day its month has:
 * most providers send that, and it then needs no parsing and formatting again. Read by character codes, as it runs
 * for every time of every key a listing shows.
 */
export function isCanonicalIso(text: string): boolean {
  if (text.length !== 24) return false;
  const at = (i: number): number => text.charCodeAt(i) - 48;
  // - - T : : . Z
  if (at(4) !== -3 || at(7) !== -3 || at(10) !== 36 || at(13) !== 10 || at(16) !== 10 || at(19) !== -2) return false;
  if (at(23) !== 42) return false;
  for (const i of isoDigits) {
    const digit = at(i);
    if (digit < 0 || digit > 9) return false;
  }
  const month = at(5) * 10 + at(6);
  const day = at(8) * 10 + at(9);
  if (at(11) * 10 + at(12) > 23 || at(14) > 5 || at(17) > 5) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  if (month !== 2) return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
  const year = at(0) * 1000 + at(1) * 100 + at(2) * 10 + at(3);
  return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
}

/**
 * A time as ISO 8601 UTC with milliseconds, from what providers send: unix seconds or milliseconds (told apart by
 * size) as a number or a string of digits, ISO 8601 with or without a zone (UTC), or RFC 2822 (Twilio).
 */
export function toIsoTime(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && isCanonicalIso(value)) return value;
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = parseIsoUtc(value);
  else if (typeof value === 'string' && /^\d+$/.test(value))
    ms = Number(value) < 1e11 ? Number(value) * 1000 : Number(value);
  else if (typeof value === 'string' && rfc2822.test(value)) ms = Date.parse(value);
  else throw new ShapeError(path, 'a time');
  const iso = isoFromMs(ms);
  if (iso === null) throw new ShapeError(path, 'a time');
  return iso;
}

/** A time as ISO 8601 UTC; null for NaN and past the years 0 to 9999, where toISOString writes six-digit years. */
export function isoFromMs(ms: number): string | null {
  return Number.isNaN(ms) || ms < earliestTime || ms > latestTime ? null : new Date(ms).toISOString();
}

export class Fields {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly path: string,
  ) {}

  private at(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  object(name: string): Fields {
    return objectAt(this.raw[name], this.at(name));
  }

  array(name: string): unknown[] {
    return arrayAt(this.raw[name], this.at(name));
  }

  string(name: string): string {
    const value = this.raw[name];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string' || value === '') throw new ShapeError(this.at(name), 'a non-empty string');
    return value;
  }

  optionalString(name: string): string | null {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw new ShapeError(this.at(name), 'a string');
    return value;
  }

  /** a list of strings, or one comma-separated string; absent is empty */
  stringList(name: string): string[] {
    const value = this.raw[name];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return value.split(/[,\s]+/).filter(Boolean);
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw new ShapeError(this.at(name), 'a list of strings');
    return value as string[];
  }

  optionalStringList(name: string): string[] | null {
    return this.raw[name] === undefined || this.raw[name] === null ? null : this.stringList(name);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new ShapeError(this.at(name), 'true or false');
    return value;
  }

  integer(name: string): number {
    const value = this.raw[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new ShapeError(this.at(name), 'a whole number');
    return value;
  }

  optionalInteger(name: string): number | null {
    return this.has(name) ? this.integer(name) : null;
  }

  time(name: string): string | null {
    return toIsoTime(this.raw[name], this.at(name));
  }
}
