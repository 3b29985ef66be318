import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { allKeys } from '../../src/providers/listing.js';
import type { Provider } from '../../src/providers/types.js';
import { testHttpClient } from '../helpers/http.js';
import type { Expectation } from './expectations.js';
import { throughPrism, type HeldKey, type SeedKey, type Target } from './target.js';

/**
 * The one suite every provider passes, over real HTTP on loopback, against a target: a provider definition (a built-in
 * adapter or a manifest from a file) and the server it talks to, which the suite seeds and reads back through the
 * target's KeyServer (test/conformance/target.ts). The built-in providers run against their simulators
 * (simulator.ts), the Acme manifest against its test server; what each must make of its server's keys is in
 * expectations.ts, and which tests apply follows from the provider's own capabilities. A provider with a vendor's
 * OpenAPI description passes its protocol half a second time through Stoplight Prism, which checks every request and
 * answer against that description (the `<id>.prism.slow.test.ts` files).
 */
export function providerConformance<K>(target: Target<K>, expected: Expectation<K>): void {
  describe(`${target.definition.id}: conformance against ${target.name}`, () => {
    protocolTests(target, expected);
    transportTests(target, expected);
  });
}

/** The protocol half again, with Prism between keywarden and the target's server; the expectation names the vendor. */
export function prismConformance<K>(target: Target<K>, expected: Expectation<K>): void {
  const vendor = expected.spec;
  if (!vendor) throw new Error(`${target.definition.id} has no vendor OpenAPI description to check against`);
  describe(`${target.definition.id}: conformance through Prism, against ${vendor}'s own OpenAPI description`, () => {
    const proxied = throughPrism(target, vendor);
    protocolTests(proxied, expected);
    test('Prism found no request or answer that breaks the description', async () => {
      expect(await proxied.prism.violations()).toEqual([]);
    });
  });
}

interface Connection {
  /** the server's form of a token; the expectation makes the provider's of it */
  token?: string;
  /** a key's secret used as the admin token, as it is */
  keyToken?: string;
  baseUrl?: string;
}

function connector<K>(target: Target<K>, expected: Expectation<K>): (connection?: Connection) => Provider {
  const http = testHttpClient();
  return (connection = {}) =>
    target.definition.connect({
      baseUrl: connection.baseUrl ?? target.baseUrl,
      token: connection.keyToken ?? (expected.adminToken ?? ((t: string) => t))(connection.token ?? target.token),
      http,
      now: () => new Date(),
      pageConcurrency: 4,
      settings: { ...target.settings },
    });
}

async function failure<K>(target: Target<K>, promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message.startsWith(`${target.definition.id}: `)).toBe(true);
  expect(providerError.message).not.toContain(target.token);
  return providerError;
}

/** The target's seed, where a test cannot do without one: a target that has none is a mistake in the test file. */
function seeder<K>(target: Target<K>, why: string): (key: SeedKey) => HeldKey {
  const server = target.server;
  if (!server.seed) throw new Error(`${target.definition.id}: ${why}, and ${target.name} cannot have keys put on it`);
  return (key) => server.seed!(key);
}

/** What the provider's API does with keywarden's requests: listing, create, rotate, revoke, and its refusals. */
function protocolTests<K>(target: Target<K>, expected: Expectation<K>): void {
  const { definition, server, credentials } = target;
  const connect = connector(target, expected);
  const can = definition.capabilities;

  afterEach(() => {
    expect(server.unhandled).toEqual([]);
  });

  test('declares who it is and what it can do', () => {
    expect(definition.id).toMatch(/^[a-z0-9-]+$/);
    if (definition.defaultBaseUrl !== null) expect(definition.defaultBaseUrl).toMatch(/^https:\/\//);
    expect(Object.values(can).every((v) => typeof v === 'boolean')).toBe(true);
    expect(can.create).toBe(expected.fullCreate !== undefined);
    expect(definition.settings.map((s) => s.name).sort()).toEqual(Object.keys(target.settings).sort());
  });

  test('lists every key exactly once across all pages, every field mapped', async () => {
    const before = server.requests();
    const keys = await allKeys(connect());
    const now = Date.now();
    const want = server
      .keys()
      .filter((k) => expected.listed(k))
      .map((k) => expected.record(k, now));
    expect(keys.map((k) => k.id).sort()).toEqual(want.map((k) => k.id).sort());
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
    const byId = new Map(keys.map((k) => [k.id, k]));
    for (const record of want) expect(byId.get(record.id)).toEqual(record);
    const requests = server.requests() - before;
    const pages = expected.pagesFor(want.length);
    if (typeof pages === 'number') expect(requests).toBe(pages);
    else expect(requests).toSatisfy((n: number) => n >= pages.atLeast && n <= pages.atMost);
  });

  test('every listed key carries every field of a key record', async () => {
    const [first] = await allKeys(connect());
    expect(Object.keys(first!).sort()).toEqual(
      [
        'id',
        'name',
        'status',
        'created_at',
        'last_used_at',
        'expires_at',
        'revoked_at',
        'prefix',
        'hint',
        'environment',
        'scopes',
        'owner',
        'ip_allowlist',
        'usage_tracked',
      ].sort(),
    );
    for (const time of [first!.created_at, first!.last_used_at, first!.expires_at, first!.revoked_at]) {
      if (time !== null) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  const fullCreate = expected.fullCreate;
  if (fullCreate) {
    test('create returns the secret once, in no field of the key, and the new key is listed', async () => {
      const provider = connect();
      const created = await provider.create({ name: 'conformance basic' }, { credentials });
      const secret = created.secret.expose();
      expect(secret.length).toBeGreaterThanOrEqual(16);
      expect(JSON.stringify(created.key)).not.toContain(secret);
      expect(JSON.stringify(created)).not.toContain(secret);
      expect(['active', 'expired']).toContain(created.key.status);
      const listed = (await allKeys(provider)).find((k) => k.id === created.key.id);
      expect(listed).toBeDefined();
      if (can.names) expect(listed!.name).toBe('conformance basic');
      expect(server.find(created.key.id)!.secret).toBe(secret);
    });

    test('create passes every option the provider takes', async () => {
      const created = await connect().create(fullCreate, { credentials });
      const held = server.find(created.key.id)!;
      if (fullCreate.scopes) expect(held.scopes).toEqual(fullCreate.scopes);
      if (fullCreate.environment) expect(held.environment).toBe(fullCreate.environment);
      if (fullCreate.ipAllowlist) expect(held.ipAllowlist).toEqual(fullCreate.ipAllowlist);
      if (fullCreate.expiresAt) expect(held.expiresAt).toBe(Date.parse(fullCreate.expiresAt));
      if (fullCreate.principal) expect(held.owner).toBe(fullCreate.principal);
      if (fullCreate.expireNow) expect(created.key.status).toBe('expired');
      if (fullCreate.idempotencyKey) {
        const again = await connect().create(fullCreate, { credentials });
        expect(again.key.id).toBe(created.key.id);
      }
    });
  } else {
    test('create is refused before any request is sent: the provider has none', async () => {
      const requests = server.requests();
      await expect(connect().create({ name: 'never sent' })).rejects.toMatchObject({ exitCode: 2 });
      expect(server.requests()).toBe(requests);
    });
  }

  if (can.nativeRotate) {
    test('a native rotate gives the same key a new secret, the old one working until the deadline it was given', async () => {
      const provider = connect();
      const created = await provider.create({ name: 'conformance rotate' }, { credentials });
      const oldSecret = created.secret.expose();
      const deadline = new Date(Date.now() + 3_600_000);
      const rotated = await provider.rotate!(created.key.id, { oldSecretExpiresAt: deadline, credentials });
      expect(rotated.key.id).toBe(created.key.id);
      expect(JSON.stringify(rotated.key)).not.toContain(rotated.secret.expose());
      const held = server.find(created.key.id)!;
      expect(held.secret).toBe(rotated.secret.expose());
      expect(held.secret).not.toBe(oldSecret);
      expect(held.retiredSecrets).toEqual([{ secret: oldSecret, until: deadline.getTime() }]);
    });
  }

  // a provider without create revokes a key put on its server some other way
  const revocable = fullCreate ? undefined : seeder(target, 'the provider has no create to make a key to revoke');
  test('revoke takes the key out of service', async () => {
    const provider = connect();
    const id = revocable
      ? revocable({ name: 'conformance revoke' }).id
      : (await provider.create({ name: 'conformance revoke' }, { credentials })).key.id;
    await provider.revoke(id);
    const listed = (await allKeys(provider)).find((k) => k.id === id);
    if (expected.afterRevoke === 'gone') expect(listed).toBeUndefined();
    else expect(listed?.status).toBe(expected.afterRevoke);
  });

  test('revoking a key the provider never issued is not_found', async () => {
    const error = await failure(target, connect().revoke(expected.unknownId ?? 'no-such-key'));
    expect(error.kind).toBe('not_found');
    expect(error.exitCode).toBe(1);
  });

  test('a blank id is refused before any request is sent', async () => {
    const before = server.keys().length;
    const requests = server.requests();
    for (const id of ['', '   ']) {
      await expect(connect().revoke(id)).rejects.toMatchObject({ exitCode: 2 });
    }
    expect(server.requests()).toBe(requests);
    expect(server.keys().length).toBe(before);
  });

  const wrongToken = expected.wrongToken ?? { status: 401, kind: 'auth' };
  test(`a wrong token is refused (${wrongToken.status}, exit 4) and not echoed`, async () => {
    const wrong = `wrong-${target.token}`;
    const error = await failure(target, allKeys(connect({ token: wrong })));
    expect(error.kind).toBe(wrongToken.kind);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(String(wrongToken.status));
    expect(error.message).not.toContain(wrong);
  });

  const forbidden = expected.forbidden ?? {
    token: (seed) => seed({ name: 'ordinary', scopes: ['dns:read'] }).secret,
    refused: 'list',
    message: /403 .*(may not|cannot) manage/,
  };
  if ('token' in forbidden) {
    const seed = seeder(target, 'the expectation makes a key that may not manage keys');
    test("a key that may not manage keys is forbidden (exit 4), in the provider's own words", async () => {
      const ordinary = forbidden.token(seed);
      const provider = connect({ keyToken: ordinary });
      const refused =
        forbidden.refused === 'list' ? allKeys(provider) : provider.create({ name: 'not allowed' }, { credentials });
      const error = await failure(target, refused);
      expect(error.kind).toBe('forbidden');
      expect(error.exitCode).toBe(4);
      expect(error.message).toMatch(forbidden.message);
      expect(error.message).not.toContain(ordinary);
    });
  }

  const invalid = expected.invalidCreate;
  if (invalid) {
    test('an invalid create is reported with the provider message', async () => {
      const error = await failure(target, connect().create(invalid, { credentials }));
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/: (400|422) \S/);
    });
  }
}

/** A server that answers every request the same way, on loopback; closing it leaves a port that refuses connections. */
async function answeringEvery(status: number, body: string): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * What keywarden makes of a server that fails, garbles, has no such route, or is not there. A failing or garbling
 * server is a stand-in on another port, taking the target's base path, so these need nothing from the target's server
 * but its answer to a route it does not have.
 */
function transportTests<K>(target: Target<K>, expected: Expectation<K>): void {
  const connect = connector(target, expected);
  const id = target.definition.id;
  const others: { close(): Promise<void> }[] = [];
  async function elsewhere(status: number, body: string): Promise<string> {
    const other = await answeringEvery(status, body);
    others.push(other);
    return `${other.url}${new URL(target.baseUrl).pathname.replace(/\/$/, '')}`;
  }
  afterAll(async () => {
    await Promise.all(others.map((s) => s.close()));
  });

  test('a server error is unavailable, naming the endpoint', async () => {
    const broken = await elsewhere(500, JSON.stringify({ message: 'Internal Server Error' }));
    const error = await failure(target, allKeys(connect({ baseUrl: broken })));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(new RegExp(`^${id}: GET /\\S+: 500`));
  });

  test('an answer that is not JSON is a bad response, naming the endpoint', async () => {
    const garbled = await elsewhere(200, '{"data": [ this is not json');
    const error = await failure(target, allKeys(connect({ baseUrl: garbled })));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toMatch(/GET \S+: the answer \(200, application\/json\) is not JSON/);
  });

  test('a route the server does not have is loud on both sides', async () => {
    const { unhandled } = target.server;
    const error = await failure(target, allKeys(connect({ baseUrl: `${new URL(target.baseUrl).origin}/nowhere` })));
    expect(error.kind).toBe('not_found');
    // one request, or two where the first page and the oldest key are asked for at once
    expect(unhandled.length).toBeGreaterThanOrEqual(1);
    expect(unhandled.length).toBeLessThanOrEqual(2);
    for (const request of unhandled) expect(request).toContain('/nowhere/');
    unhandled.length = 0;
  });

  test('a refused connection is unavailable, naming the host', async () => {
    const url = await elsewhere(200, '[]');
    await others.pop()!.close();
    const error = await failure(target, allKeys(connect({ baseUrl: url })));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('connection refused');
  });
}
