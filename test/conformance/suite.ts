import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { allKeys } from '../../src/providers/listing.js';
import { builtinProvider } from '../../src/providers/registry.js';
import type { Provider, ProviderDefinition } from '../../src/providers/types.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { testHttpClient } from '../helpers/http.js';
import { startPrism, type Prism, type SpecVendor } from '../helpers/prism.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { prismSpec } from '../sandbox/vendor-specs.js';
import { expectations, type Expectation } from './expectations.js';

const token = `conformance-${Math.random().toString(36).slice(2)}`;

/** Where the suite sends its requests: a simulator, straight or through Prism, and the sandbox that holds its keys. */
interface Target {
  readonly sandbox: Sandbox;
  readonly baseUrl: string;
}

/**
 * The one suite every provider passes against its simulator, over real HTTP on loopback (the way unstorage's
 * testDriver and rclone's fstests serve every driver); a provider with a vendor's OpenAPI description passes its
 * protocol half a second time through Prism, which checks every request and answer against that description.
 */
export function providerConformance(id: SandboxProviderId): void {
  const definition = builtinProvider(id);
  if (!definition) throw new Error(`${id} is not a built-in provider`);
  const expected = expectations[id];

  describe(`${id}: conformance against its simulator`, () => {
    const target = simulatorTarget(id, expected);
    protocolTests(definition, expected, target);
    transportTests(definition, expected, target);
  });

  const vendor = expected.spec;
  if (vendor) {
    describe(`${id}: conformance through Prism, against ${vendor}'s own OpenAPI description`, () => {
      const target = prismTarget(id, expected, vendor);
      protocolTests(definition, expected, target);
      test('Prism found no request or answer that breaks the description', async () => {
        expect(await target.prism.violations()).toEqual([]);
      });
    });
  }
}

function sandboxOptions(id: SandboxProviderId, expected: Expectation): SandboxOptions {
  return { keys: expected.seededKeys ?? 230, seed: `conformance-${id}`, token };
}

function simulatorTarget(id: SandboxProviderId, expected: Expectation): Target {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox(sandboxOptions(id, expected));
  });
  afterAll(async () => sandbox?.close());
  return {
    get sandbox() {
      return sandbox!;
    },
    get baseUrl() {
      return sandbox!.baseUrl(id);
    },
  };
}

/** The first run fetches the descriptions from the npm registry (tens of MB); later ones start Prism in a second or two. */
const prismStartMs = 10 * 60_000;

function prismTarget(
  id: SandboxProviderId,
  expected: Expectation,
  vendor: SpecVendor,
): Target & { readonly prism: Prism } {
  let sandbox: Sandbox | undefined;
  let prism: Prism | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox(sandboxOptions(id, expected));
    prism = await startPrism(await prismSpec(vendor), sandbox.baseUrl(id));
  }, prismStartMs);
  afterAll(async () => {
    await prism?.close();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return sandbox!;
    },
    get baseUrl() {
      return prism!.url;
    },
    get prism() {
      return prism!;
    },
  };
}

interface Connection {
  target?: Target;
  /** the sandbox's form of a token; the expectation makes the provider's of it */
  token?: string;
  /** a key's secret used as the admin token, as it is */
  keyToken?: string;
  baseUrl?: string;
}

function connector(
  definition: ProviderDefinition,
  expected: Expectation,
  target: Target,
): (connection?: Connection) => Provider {
  const http = testHttpClient();
  return (connection = {}) =>
    definition.connect({
      baseUrl: connection.baseUrl ?? (connection.target ?? target).baseUrl,
      token: connection.keyToken ?? (expected.adminToken ?? ((t: string) => t))(connection.token ?? token),
      http,
      now: () => new Date(),
      pageConcurrency: 4,
      settings: expected.settings ?? {},
    });
}

async function failure(definition: ProviderDefinition, promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message.startsWith(`${definition.id}: `)).toBe(true);
  expect(providerError.message).not.toContain(token);
  return providerError;
}

/** What the provider's API does with keywarden's requests: listing, create, rotate, revoke, and its refusals. */
function protocolTests(definition: ProviderDefinition, expected: Expectation, target: Target): void {
  const connect = connector(definition, expected, target);
  const account = () => target.sandbox.accounts[definition.id as SandboxProviderId];
  const credentials = expected.credentials ?? {};
  const can = definition.capabilities;

  afterEach(() => {
    expect(target.sandbox.unhandled).toEqual([]);
  });

  test('declares who it is and what it can do', () => {
    expect(definition.id).toMatch(/^[a-z0-9-]+$/);
    if (definition.defaultBaseUrl !== null) expect(definition.defaultBaseUrl).toMatch(/^https:\/\//);
    expect(Object.values(can).every((v) => typeof v === 'boolean')).toBe(true);
    expect(can.create).toBe(expected.fullCreate !== undefined);
    expect(definition.settings.map((s) => s.name).sort()).toEqual(Object.keys(expected.settings ?? {}).sort());
  });

  test('lists every key exactly once across all pages, every field mapped', async () => {
    const before = target.sandbox.requests.length;
    const keys = await allKeys(connect());
    const now = Date.now();
    const want = account()
      .keys.filter((k) => expected.listed(k))
      .map((k) => expected.record(k, now));
    expect(keys.map((k) => k.id).sort()).toEqual(want.map((k) => k.id).sort());
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
    const byId = new Map(keys.map((k) => [k.id, k]));
    for (const record of want) expect(byId.get(record.id)).toEqual(record);
    expect(target.sandbox.requests.length - before).toBe(expected.pagesFor(want.length));
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
      expect(account().find(created.key.id)!.secret).toBe(secret);
    });

    test('create passes every option the provider takes', async () => {
      const created = await connect().create(fullCreate, { credentials });
      const held = account().find(created.key.id)!;
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
      const requests = target.sandbox.requests.length;
      await expect(connect().create({ name: 'never sent' })).rejects.toMatchObject({ exitCode: 2 });
      expect(target.sandbox.requests.length).toBe(requests);
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
      const held = account().find(created.key.id)!;
      expect(held.secret).toBe(rotated.secret.expose());
      expect(held.secret).not.toBe(oldSecret);
      expect(held.retiredSecrets).toEqual([{ secret: oldSecret, until: deadline.getTime() }]);
    });
  }

  test('revoke takes the key out of service', async () => {
    const provider = connect();
    const id = fullCreate
      ? (await provider.create({ name: 'conformance revoke' }, { credentials })).key.id
      : account().create({ name: 'conformance revoke' }).id;
    await provider.revoke(id);
    const listed = (await allKeys(provider)).find((k) => k.id === id);
    if (expected.afterRevoke === 'gone') expect(listed).toBeUndefined();
    else expect(listed?.status).toBe(expected.afterRevoke);
  });

  test('revoking a key the provider never issued is not_found', async () => {
    const error = await failure(definition, connect().revoke(expected.unknownId ?? 'no-such-key'));
    expect(error.kind).toBe('not_found');
    expect(error.exitCode).toBe(1);
  });

  test('a blank id is refused before any request is sent', async () => {
    const before = account().keys.length;
    const requests = target.sandbox.requests.length;
    for (const id of ['', '   ']) {
      await expect(connect().revoke(id)).rejects.toMatchObject({ exitCode: 2 });
    }
    expect(target.sandbox.requests.length).toBe(requests);
    expect(account().keys.length).toBe(before);
  });

  const wrongToken = expected.wrongToken ?? { status: 401, kind: 'auth' };
  test(`a wrong token is refused (${wrongToken.status}, exit 4) and not echoed`, async () => {
    const wrong = `wrong-${token}`;
    const error = await failure(definition, allKeys(connect({ token: wrong })));
    expect(error.kind).toBe(wrongToken.kind);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(String(wrongToken.status));
    expect(error.message).not.toContain(wrong);
  });

  const forbidden = expected.forbidden ?? {
    token: (held) => held.create({ name: 'ordinary', scopes: ['dns:read'] }).secret,
    refused: 'list',
    message: /403 .*(may not|cannot) manage/,
  };
  if ('token' in forbidden) {
    test("a key that may not manage keys is forbidden (exit 4), in the provider's own words", async () => {
      const ordinary = forbidden.token(account());
      const provider = connect({ keyToken: ordinary });
      const refused =
        forbidden.refused === 'list' ? allKeys(provider) : provider.create({ name: 'not allowed' }, { credentials });
      const error = await failure(definition, refused);
      expect(error.kind).toBe('forbidden');
      expect(error.exitCode).toBe(4);
      expect(error.message).toMatch(forbidden.message);
      expect(error.message).not.toContain(ordinary);
    });
  }

  const invalid = expected.invalidCreate;
  if (invalid) {
    test('an invalid create is reported with the provider message', async () => {
      const error = await failure(definition, connect().create(invalid, { credentials }));
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/: (400|422) \S/);
    });
  }
}

/** What keywarden makes of a server that fails, garbles, has no such route, or is not there. */
function transportTests(definition: ProviderDefinition, expected: Expectation, target: Target): void {
  const connect = connector(definition, expected, target);
  const id = definition.id as SandboxProviderId;
  const extraSandboxes: Sandbox[] = [];
  async function otherSandbox(options: SandboxOptions): Promise<Sandbox> {
    const started = await startTestSandbox({ keys: 3, token, ...options });
    extraSandboxes.push(started);
    return started;
  }
  afterAll(async () => {
    await Promise.all(extraSandboxes.map((s) => s.close()));
  });

  test('a server error is unavailable, naming the endpoint', async () => {
    const broken = await otherSandbox({ faults: { failEvery: 1, failStatus: 500 } });
    const error = await failure(definition, allKeys(connect({ baseUrl: broken.baseUrl(id) })));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(new RegExp(`^${definition.id}: GET /\\S+: 500`));
  });

  test('an answer that is not JSON is a bad response, naming the endpoint', async () => {
    const garbled = await otherSandbox({ faults: { badJsonEvery: 1 } });
    const error = await failure(definition, allKeys(connect({ baseUrl: garbled.baseUrl(id) })));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toMatch(/GET \S+: the answer \(200, application\/json\) is not JSON/);
  });

  test('a route the server does not have is loud on both sides', async () => {
    const error = await failure(definition, allKeys(connect({ baseUrl: `${target.sandbox.url}/nowhere` })));
    expect(error.kind).toBe('not_found');
    expect(target.sandbox.unhandled.length).toBe(1);
    expect(target.sandbox.unhandled[0]).toContain('/nowhere/');
    target.sandbox.unhandled.length = 0;
  });

  test('a refused connection is unavailable, naming the host', async () => {
    const closed = await otherSandbox({});
    const url = closed.baseUrl(id);
    await closed.close();
    const error = await failure(definition, allKeys(connect({ baseUrl: url })));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('connection refused');
  });
}
