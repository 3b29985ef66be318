import { describe, expect, test } from 'vitest';
import { bodyOf } from '../../src/manifest/values.js';
import type { CreateRequest } from '../../src/providers/types.js';
import { errorReader, keyReader } from '../../src/manifest/read.js';
import type { KeyFields } from '../../src/manifest/types.js';
import { ShapeError } from '../../src/providers/shape.js';

const now = new Date('2025-06-01T00:00:00.000Z');
const read = (item: unknown, fields: KeyFields) =>
  keyReader(fields, { usageTracked: false, allowlists: false })(item, 'data[0]', now);
const createBody = (spec: Parameters<typeof bodyOf>[0], request: CreateRequest) =>
  bodyOf(spec, { request, settings: {} });

describe('key fields', () => {
  test('dotted paths, constants, lists from comma strings, a numeric id', () => {
    const key = read(
      { id: 42, profile: { label: 'ci', owner: { id: 'u1' } }, scopes: 'a, b c', cidrs: ['10.0.0.0/8'] },
      {
        id: 'id',
        name: 'profile.label',
        owner: 'profile.owner.id',
        environment: { value: 'live' },
        scopes: 'scopes',
        ip_allowlist: 'cidrs',
        hint: 'missing.deep.field',
      },
    );
    expect(key).toMatchObject({
      id: '42',
      name: 'ci',
      owner: 'u1',
      environment: 'live',
      scopes: ['a', 'b', 'c'],
      ip_allowlist: ['10.0.0.0/8'],
      hint: null,
      status: 'active',
    });
  });

  test('times: guessed by size, or in the declared format', () => {
    const item = {
      id: 'k',
      iso: '2024-03-01T10:00:00Z',
      s: 1709287200,
      ms: 1709287200000,
      early_ms: 50_000_000_000,
      digits: '1709287200',
    };
    const key = read(item, {
      id: 'id',
      created_at: 'iso',
      last_used_at: 's',
      expires_at: 'ms',
      revoked_at: { path: 'early_ms', format: 'unix_ms' },
    });
    expect(key.created_at).toBe('2024-03-01T10:00:00.000Z');
    expect(key.last_used_at).toBe('2024-03-01T10:00:00.000Z');
    expect(key.expires_at).toBe('2024-03-01T10:00:00.000Z');
    expect(key.revoked_at).toBe(new Date(50_000_000_000).toISOString());
    expect(
      read({ id: 'k', t: '1709287200' }, { id: 'id', created_at: { path: 't', format: 'unix_seconds' } }).created_at,
    ).toBe('2024-03-01T10:00:00.000Z');
    for (const t of [17, '1709287200'])
      expect(() => read({ id: 'k', t }, { id: 'id', created_at: { path: 't', format: 'iso8601' } })).toThrow(
        new ShapeError('data[0].t', 'an ISO 8601 time'),
      );
    expect(() => read({ id: 'k', t: 'soon' }, { id: 'id', created_at: { path: 't', format: 'unix_ms' } })).toThrow(
      new ShapeError('data[0].t', 'unix milliseconds'),
    );
  });

  test('a time already as keywarden writes it is kept as it is; any other form is parsed, as before', () => {
    const created = (t: unknown, format?: 'iso8601') =>
      read({ id: 'k', t }, { id: 'id', created_at: format ? { path: 't', format } : 't' }).created_at;
    for (const format of [undefined, 'iso8601'] as const) {
      expect(created('2024-02-29T23:59:59.999Z', format)).toBe('2024-02-29T23:59:59.999Z');
      // days a month lacks, and 24:00, roll over as Date.parse takes them, as they did before the shortcut
      expect(created('2023-02-29T10:00:00.000Z', format)).toBe('2023-03-01T10:00:00.000Z');
      expect(created('2024-04-31T10:00:00.000Z', format)).toBe('2024-05-01T10:00:00.000Z');
      expect(created('2100-02-29T00:00:00.000Z', format)).toBe('2100-03-01T00:00:00.000Z');
      expect(created('2000-02-29T00:00:00.000Z', format)).toBe('2000-02-29T00:00:00.000Z');
      expect(() => created('2024-13-01T00:00:00.000Z', format)).toThrow(ShapeError);
      expect(created('2024-01-01T24:00:00.000Z', format)).toBe('2024-01-02T00:00:00.000Z');
    }
  });

  test('times past the year 9999 or before the year 0 are refused, guessed or declared, never six-digit years', () => {
    expect(read({ id: 'k', t: 'Fri, 31 Dec 9999 23:59:59 GMT' }, { id: 'id', created_at: 't' }).created_at).toBe(
      '9999-12-31T23:59:59.000Z',
    );
    for (const t of [
      'Sat, 01 Jan 10000 00:00:00 GMT',
      253_402_300_800_000,
      '+010000-01-01T00:00:00Z',
      -62_167_219_200_001,
    ]) {
      expect(() => read({ id: 'k', t }, { id: 'id', created_at: 't' }), String(t)).toThrow(
        new ShapeError('data[0].t', 'a time'),
      );
    }
    expect(() =>
      read({ id: 'k', t: 253_402_300_800 }, { id: 'id', created_at: { path: 't', format: 'unix_seconds' } }),
    ).toThrow(new ShapeError('data[0].t', 'unix seconds'));
    expect(() =>
      read(
        { id: 'k', t: 'Sat, 01 Jan 10000 00:00:00 GMT' },
        { id: 'id', created_at: { path: 't', format: 'rfc2822' } },
      ),
    ).toThrow(new ShapeError('data[0].t', 'an RFC 2822 time'));
  });

  test('status: a value map, flags, the words themselves, and a passed expiry', () => {
    const mapped: KeyFields = {
      id: 'id',
      expires_at: 'exp',
      status: { path: 'state', map: { on: 'active', off: 'revoked', true: 'revoked' } },
    };
    expect(read({ id: 'k', state: 'off' }, mapped).status).toBe('revoked');
    expect(read({ id: 'k', state: true }, mapped).status).toBe('revoked');
    expect(read({ id: 'k', state: 'on', exp: '2025-01-01T00:00:00Z' }, mapped).status).toBe('expired');
    expect(read({ id: 'k' }, mapped).status).toBe('active');
    expect(() => read({ id: 'k', state: 'paused' }, mapped)).toThrow(
      new ShapeError('data[0].state', 'one of on, off, true'),
    );
    expect(read({ id: 'k', status: 'expired' }, { id: 'id', status: { path: 'status' } }).status).toBe('expired');
    expect(() => read({ id: 'k', status: 'paused' }, { id: 'id', status: { path: 'status' } })).toThrow(
      /one of active, expired, revoked/,
    );
    const flags: KeyFields = { id: 'id', status: { revoked_if: 'revoked_at', expired_if: 'is_expired' } };
    expect(read({ id: 'k', revoked_at: '2025-01-01T00:00:00Z', is_expired: true }, flags).status).toBe('revoked');
    expect(read({ id: 'k', revoked_at: null, is_expired: 1 }, flags).status).toBe('expired');
    expect(read({ id: 'k', revoked_at: '', is_expired: false }, flags).status).toBe('active');
  });

  test('a missing id or a mistyped field names the field', () => {
    expect(() => read({ name: 'x' }, { id: 'id' })).toThrow(new ShapeError('data[0].id', 'a non-empty string'));
    expect(() => read({ id: 'k', meta: 'flat' }, { id: 'id', name: 'meta.name' })).toThrow(
      new ShapeError('data[0].meta', 'an object'),
    );
    expect(() => read({ id: 'k', scopes: [1] }, { id: 'id', scopes: 'scopes' })).toThrow(
      new ShapeError('data[0].scopes', 'a list of strings'),
    );
  });
});

describe('create body', () => {
  test('options, defaults, constants and nested fields; an option not given is left out', () => {
    const constant = { kind: 'service' };
    const spec = {
      'data.name': 'name',
      'data.scopes': 'scopes',
      env: { option: 'environment', default: 'live' },
      meta: { value: constant },
      'meta.expires': 'expires_at',
      now: 'expire_now',
    } as const;
    const body = createBody(spec, { name: 'ci', scopes: ['a'], expiresAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      data: { name: 'ci', scopes: ['a'] },
      env: 'live',
      meta: { kind: 'service', expires: '2026-01-01T00:00:00.000Z' },
    });
    expect(constant).toEqual({ kind: 'service' });
    expect(
      JSON.parse(JSON.stringify(createBody(spec, { name: 'x', expireNow: true, environment: 'test' }))),
    ).toMatchObject({ env: 'test', now: true });
  });

  test('a field named __proto__ is only a field', () => {
    const body = createBody({ '__proto__.polluted': 'name' }, { name: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(body)).toBe('{"__proto__":{"polluted":"x"}}');
  });
});

describe('error messages', () => {
  test('the first readable field, the code after it, a list joined; a plain-text body as is', () => {
    const read = errorReader({ message: ['error.message', 'error'], code: 'error.code' });
    expect(read({ error: { code: 'KEY_NOT_FOUND', message: 'API key not found' } })).toBe(
      'API key not found (KEY_NOT_FOUND)',
    );
    expect(read({ error: 'plain words' })).toBe('plain words');
    expect(read({ error: { code: 'ONLY_CODE' } })).toBe('ONLY_CODE');
    expect(read('Bad Gateway')).toBe('Bad Gateway');
    expect(read({ sandbox_error: 'x' })).toBeUndefined();
    expect(errorReader({ message: 'message' })({ message: ['a is bad', 'b is bad'] })).toBe('a is bad; b is bad');
    expect(errorReader(undefined)({ detail: 'from the defaults' })).toBe('from the defaults');
  });

  test('a path through a list reads the field of every item (SendGrid, GitHub), skipping items without it', () => {
    const read = errorReader({ message: ['errors.message', 'message'] });
    const body = {
      errors: [{ field: 'name', message: 'missing required argument' }, { field: null }, { message: 'name too long' }],
    };
    expect(read(body)).toBe('missing required argument; name too long');
    expect(read({ errors: [{ field: 'name' }], message: 'Validation Failed' })).toBe('Validation Failed');
    expect(read({ errors: [] })).toBeUndefined();
    expect(errorReader({ message: 'detail' })([{ detail: 'a top-level list' }])).toBe('a top-level list');
  });
});
