import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/client.js';
import { retryDecision, retriedStatuses, type RetryPolicy } from '../../src/http/retry.js';
import { ProviderError } from '../../src/providers/errors.js';
import { allKeys } from '../../src/providers/listing.js';
import { builtinProviders } from '../../src/providers/registry.js';
import type { KeyRecord, ProviderDefinition } from '../../src/providers/types.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { formatDuration, longestDuration, parseDate, parseDuration } from '../../src/util/time.js';
import { isCanonicalIso } from '../../src/providers/shape.js';
import { expectations } from '../conformance/expectations.js';
import { testHttpClient } from '../helpers/http.js';

const token = 'property-token-0123456789';

/** An HTTP client that answers every request with one fixed response: the adapter sees whatever the property chose. */
function fixedAnswer(status: number, body: string): HttpClient {
  return {
    request: async (_req: HttpRequest): Promise<HttpResponse> => ({
      status,
      headers: { 'content-type': 'application/json' },
      text: body,
    }),
    close: async () => undefined,
  } as unknown as HttpClient;
}

/** A provider as a profile of it would connect: its settings given, the token in the form it takes. */
function connectWith(definition: ProviderDefinition, http: HttpClient, baseUrl = 'https://api.example.test/v1') {
  const expected = expectations[definition.id as SandboxProviderId];
  const providerToken = expected.adminToken ? expected.adminToken(token) : token;
  return definition.connect({
    baseUrl,
    token: providerToken,
    http,
    now: () => new Date(),
    pageConcurrency: 4,
    settings: expected.settings ?? {},
  });
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectWellFormed(key: KeyRecord): void {
  expect(typeof key.id).toBe('string');
  expect(key.id.length).toBeGreaterThan(0);
  expect(['active', 'expired', 'revoked']).toContain(key.status);
  for (const time of [key.created_at, key.last_used_at, key.expires_at, key.revoked_at])
    if (time !== null) expect(time).toMatch(isoTime);
  expect(Array.isArray(key.scopes) && key.scopes.every((s) => typeof s === 'string')).toBe(true);
  expect(typeof key.usage_tracked).toBe('boolean');
}

/** Anything a broken provider might send: random JSON, and random JSON in roughly the right shape. */
const item = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    name: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    created_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer(),
      fc.string(),
      fc.constant(null),
    ),
    last_used_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constant(null),
      fc.boolean(),
    ),
    expires_at: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constant(null),
    ),
    is_expired: fc.oneof(fc.boolean(), fc.string()),
    is_revoked: fc.oneof(fc.boolean(), fc.constant(null)),
    scopes: fc.oneof(fc.array(fc.string()), fc.string(), fc.array(fc.integer())),
    permissions: fc.oneof(fc.array(fc.string()), fc.constant(null)),
    ip_allowlist: fc.oneof(fc.array(fc.string()), fc.constant(null)),
    key_suffix: fc.string(),
    user_id: fc.string(),
    // the catalog's id, name and time fields
    _id: fc.oneof(fc.string(), fc.integer()),
    sid: fc.string(),
    api_key_id: fc.oneof(fc.string(), fc.constant(null)),
    token_name: fc.oneof(fc.string(), fc.constant(null)),
    createdAt: fc.oneof(fc.integer(), fc.string(), fc.double()),
    date_created: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      fc.string(),
    ),
  },
  { requiredKeys: [] },
);
const page = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      data: fc.array(item, { maxLength: 5 }),
      keys: fc.array(item, { maxLength: 5 }),
      result: fc.array(item, { maxLength: 5 }),
      tokens: fc.array(item, { maxLength: 5 }),
      items: fc.array(item, { maxLength: 5 }),
      objects: fc.array(item, { maxLength: 5 }),
      meta: fc.record(
        {
          page: fc.integer(),
          total: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.string()),
          totalPages: fc.integer({ min: -5, max: 30 }),
          limit: fc.integer({ min: 0, max: 200 }),
          has_more: fc.boolean(),
          has_more_after: fc.boolean(),
          after: fc.oneof(fc.string(), fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
);

describe.each(builtinProviders().map((p) => [p.id, p] as const))(
  '%s: parsing what a provider answers',
  (_id, definition) => {
    test('any list answer yields well-formed keys or a bad_response naming the provider, and ends', async () => {
      await fc.assert(
        fc.asyncProperty(page, async (body) => {
          try {
            for (const key of await allKeys(connectWith(definition, fixedAnswer(200, JSON.stringify(body)))))
              expectWellFormed(key);
          } catch (error) {
            expect(error).toBeInstanceOf(ProviderError);
            expect((error as ProviderError).kind).toBe('bad_response');
            expect((error as ProviderError).message.startsWith(`${definition.id}: GET /`)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    // a provider without create (github-org) refuses before any request, as the conformance suite shows
    if (definition.capabilities.create) {
      test('any create answer gives a secret and a well-formed key, or a bad_response', async () => {
        const created = fc.oneof(
          fc.jsonValue(),
          fc.record(
            { id: fc.string(), secret: fc.string(), key: fc.string(), name: fc.string(), created_at: fc.string() },
            { requiredKeys: [] },
          ),
          fc.record(
            { success: fc.boolean(), result: fc.record({ raw_key: fc.string(), api_key: item }, { requiredKeys: [] }) },
            { requiredKeys: [] },
          ),
        );
        await fc.assert(
          fc.asyncProperty(created, async (body) => {
            try {
              const { secret, key } = await connectWith(definition, fixedAnswer(201, JSON.stringify(body))).create(
                { name: 'p' },
                { credentials: expectations[definition.id as SandboxProviderId].credentials ?? {} },
              );
              expect(secret.expose().length).toBeGreaterThan(0);
              expectWellFormed(key);
            } catch (error) {
              expect(error).toBeInstanceOf(ProviderError);
              expect((error as ProviderError).kind).toBe('bad_response');
            }
          }),
          { numRuns: 200 },
        );
      });
    }
    test('any error answer is a ProviderError of the right kind that never repeats the token', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 400, max: 599 }),
          fc.oneof(fc.jsonValue(), fc.constant({ message: token, error: { message: token } })),
          async (status, body) => {
            const error = await allKeys(connectWith(definition, fixedAnswer(status, JSON.stringify(body)))).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(ProviderError);
            const shown = error as ProviderError;
            expect(shown.message).not.toContain(token);
            expect(shown.message).toMatch(new RegExp(`^${definition.id}: GET /\\S+: ${status}`));
            expect(shown.exitCode).toBe(status === 401 || status === 403 ? 4 : 1);
          },
        ),
        { numRuns: 150 },
      );
    });
  },
);

describe('round trip of well-formed keys through each simulator and provider', () => {
  let sandbox: Sandbox;
  const http = testHttpClient();
  beforeAll(async () => {
    sandbox = await startTestSandbox({ keys: 0, token });
  });
  afterAll(async () => {
    await sandbox.close();
    await http.close();
  });

  const simKey = fc.record({
    name: fc.string({ minLength: 1, maxLength: 40 }),
    ageMs: fc.integer({ min: 1_000, max: 3 * 365 * 86_400_000 }),
    usedFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    // expired or not: never within seconds of now, where the simulator's clock and the oracle's could disagree
    expiresInMs: fc.option(
      fc.oneof(
        fc.integer({ min: -400 * 86_400_000, max: -10_000 }),
        fc.integer({ min: 10_000, max: 400 * 86_400_000 }),
      ),
    ),
    revoked: fc.boolean(),
    scopes: fc.array(fc.stringMatching(/^[a-z*]{1,8}(:[a-z*]{1,8})?$/), { maxLength: 4 }),
    environment: fc.constantFrom('live', 'test'),
    ipAllowlist: fc.array(fc.ipV4(), { maxLength: 3 }),
  });

  test.each(builtinIds() as SandboxProviderId[])(
    '%s: every generated key comes back exactly as the oracle says',
    async (provider) => {
      const definition = builtinProviders().find((p) => p.id === provider)!;
      await fc.assert(
        fc.asyncProperty(fc.array(simKey, { maxLength: 30 }), async (specs) => {
          const account = sandbox.accounts[provider];
          account.keys.splice(0);
          const now = Date.now();
          for (const spec of specs) {
            const key = account.create({
              name: spec.name,
              scopes: spec.scopes,
              environment: spec.environment,
              ipAllowlist: spec.ipAllowlist,
            });
            key.createdAt = now - spec.ageMs;
            key.lastUsedAt =
              spec.usedFraction === null ? null : key.createdAt + Math.floor(spec.usedFraction * spec.ageMs);
            key.expiresAt = provider === 'dakota' || spec.expiresInMs === null ? null : now + spec.expiresInMs;
            key.revokedAt = spec.revoked && provider !== 'dakota' ? now - 1 : null;
          }
          const keys = await allKeys(connectWith(definition, http, sandbox.baseUrl(provider)));
          const expected = account.keys
            .filter((k) => expectations[provider].listed(k))
            .map((k) => expectations[provider].record(k, Date.now()));
          expect(new Map(keys.map((k) => [k.id, k]))).toEqual(new Map(expected.map((k) => [k.id, k])));
        }),
        { numRuns: 40 },
      );
    },
  );
});

describe('durations, dates and retry decisions', () => {
  test('a duration written by formatDuration parses back to itself', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999 }),
        fc.constantFrom(1, 1_000, 60_000, 3_600_000, 86_400_000),
        (n, unit) => {
          fc.pre(n * unit <= longestDuration);
          expect(parseDuration(formatDuration(n * unit))).toBe(n * unit);
        },
      ),
    );
  });

  test('any text is a duration or a usage error, never anything else', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const ms = parseDuration(text);
          expect(Number.isSafeInteger(ms) && ms >= 0).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });

  test('an ISO 8601 date parses to the same instant; any text is a date or a usage error', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (date) => {
          expect(parseDate(date.toISOString()).getTime()).toBe(date.getTime());
          expect(parseDate(date.toISOString().slice(0, 10)).toISOString().slice(0, 10)).toBe(
            date.toISOString().slice(0, 10),
          );
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          expect(Number.isNaN(parseDate(text).getTime())).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });

  test('retry waits use full jitter within the exponential cap, honour the server, and stay in budget', () => {
    const policy: RetryPolicy = {
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      maxTotalMs: 20_000,
      random: Math.random,
      now: () => 1_700_000_000_000,
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 100, max: 599 }),
        fc.option(fc.integer({ min: 0, max: 60 })),
        fc.integer({ min: 0, max: 25_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, status, retryAfter, elapsedMs, random) => {
          const headers = retryAfter === null ? {} : { 'retry-after': String(retryAfter) };
          const delay = retryDecision({ ...policy, random: () => random }, { attempt, status, headers, elapsedMs });
          const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
          // Retry-After is the server's word on a 429 or a 503 only
          const honoured = retryAfter !== null && (status === 429 || status === 503);
          const wanted = honoured ? retryAfter * 1000 : Math.floor(random * cap);
          if (!retriedStatuses.has(status) || attempt >= policy.maxAttempts || elapsedMs + wanted > policy.maxTotalMs) {
            expect(delay).toBeNull();
          } else {
            expect(delay).toBe(wanted);
            expect(delay!).toBeLessThanOrEqual(honoured ? Infinity : cap);
          }
        },
      ),
    );
  });
});

describe('impossible dates', () => {
  test.each(['2030-02-30', '2031-02-29', '2030-04-31', '2030-13-01', '2030-00-10', '2030-01-00T10:00:00Z'])(
    '%s is refused',
    (text) => {
      expect(() => parseDate(text)).toThrow(UsageError);
    },
  );
  test.each(['2032-02-29', '2030-12-31T23:59:59Z'])('%s is accepted', (text) => {
    expect(parseDate(text).toISOString().slice(0, 10)).toBe(text.slice(0, 10));
  });
});

describe('a time already as keywarden writes it', () => {
  /** What isCanonicalIso stands for: the text is the time it reads as, written back by toISOString. */
  const roundTrips = (text: string): boolean => {
    const ms = Date.parse(text);
    return !Number.isNaN(ms) && new Date(ms).toISOString() === text;
  };

  test('every time of the years 0 to 9999 written by toISOString is one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isCanonicalIso(new Date(ms).toISOString())).toBe(true);
      }),
    );
  });

  test('a text with any of its characters changed is one exactly when it still round-trips', () => {
    const characters = fc.constantFrom(...'0123456789-:.TZ+ x'.split(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.array(fc.tuple(fc.nat(23), characters), { minLength: 1, maxLength: 3 }),
        (ms, changes) => {
          const chars = new Date(ms).toISOString().split('');
          for (const [at, char] of changes) chars[at] = char;
          const text = chars.join('');
          expect(isCanonicalIso(text), text).toBe(roundTrips(text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  test.each(['2024-02-29T00:00:00.000Z', '2000-02-29T12:00:00.000Z', '1999-12-31T23:59:59.999Z'])('%s is', (text) => {
    expect(isCanonicalIso(text)).toBe(true);
  });
  test.each([
    '2023-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2024-04-31T00:00:00.000Z',
    '2024-01-01T24:00:00.000Z',
    '2024-01-01T00:60:00.000Z',
    '2024-01-01T00:00:00Z',
    '2024-01-01 00:00:00.000Z',
    '2024-01-01T00:00:00.000+',
  ])('%s is not', (text) => {
    expect(isCanonicalIso(text)).toBe(false);
  });
});
