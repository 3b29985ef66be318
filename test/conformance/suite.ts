import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { allKeys } from '../../src/providers/listing.js';
import type { Provider, ProviderDefinition } from '../../src/providers/types.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import type { SimProviderId } from '../../src/sandbox/model.js';
import { testHttpClient } from '../helpers/http.js';
import { expectations } from './expectations.js';

const seededKeys = 230;
const token = `conformance-${Math.random().toString(36).slice(2)}`;

/**
 * The one suite every provider adapter passes against its simulator, over real HTTP on loopback
 * (the way unstorage's testDriver and rclone's fstests serve every driver).
 */
export function providerConformance(definition: ProviderDefinition, simulator: SimProviderId = definition.id as SimProviderId): void {
  const expected = expectations[simulator];
  const http = testHttpClient();

  describe(`${definition.id}: conformance against the ${simulator} simulator`, () => {
    let sandbox: Sandbox;
    const extraSandboxes: Sandbox[] = [];

    async function otherSandbox(options: SandboxOptions): Promise<Sandbox> {
      const started = await startTestSandbox({ keys: 3, token, ...options });
      extraSandboxes.push(started);
      return started;
    }

    function connect(options: { sandbox?: Sandbox; token?: string; baseUrl?: string } = {}): Provider {
      const target = options.sandbox ?? sandbox;
      return definition.connect({
        baseUrl: options.baseUrl ?? target.baseUrl(simulator),
        token: options.token ?? token,
        http,
        now: () => new Date(),
        pageConcurrency: 4,
      });
    }

    async function failure(promise: Promise<unknown>): Promise<ProviderError> {
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

    beforeAll(async () => {
      sandbox = await startTestSandbox({ keys: seededKeys, seed: `conformance-${simulator}`, token });
    });
    afterEach(() => {
      expect(sandbox.unhandled).toEqual([]);
    });
    afterAll(async () => {
      await Promise.all([sandbox.close(), ...extraSandboxes.map((s) => s.close())]);
    });

    test('declares who it is and what it can do', () => {
      expect(definition.id).toMatch(/^[a-z0-9-]+$/);
      expect(definition.defaultBaseUrl).toMatch(/^https:\/\//);
      expect(Object.values(definition.capabilities).every((v) => typeof v === 'boolean')).toBe(true);
    });

    test('lists every key exactly once across all pages, every field mapped', async () => {
      const before = sandbox.requests.length;
      const keys = await allKeys(connect());
      const now = Date.now();
      const account = sandbox.accounts[simulator];
      const want = account.keys.filter((k) => expected.listed(k)).map((k) => expected.record(k, now));
      expect(keys.map((k) => k.id).sort()).toEqual(want.map((k) => k.id).sort());
      expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
      const byId = new Map(keys.map((k) => [k.id, k]));
      for (const record of want) expect(byId.get(record.id)).toEqual(record);
      expect(sandbox.requests.length - before).toBe(expected.pagesFor(want.length));
    });

    test('every listed key carries every contract field', async () => {
      const [first] = await allKeys(connect());
      expect(Object.keys(first!).sort()).toEqual(
        ['id', 'name', 'status', 'created_at', 'last_used_at', 'expires_at', 'revoked_at', 'prefix', 'hint', 'environment', 'scopes', 'owner', 'ip_allowlist', 'usage_tracked'].sort(),
      );
      for (const time of [first!.created_at, first!.last_used_at, first!.expires_at, first!.revoked_at]) {
        if (time !== null) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    });

    test('create returns the secret once, and the new key is listed', async () => {
      const provider = connect();
      const created = await provider.create({ name: 'conformance basic' });
      expect(created.secret.expose().length).toBeGreaterThanOrEqual(16);
      expect(JSON.stringify(created.key)).not.toContain(created.secret.expose());
      expect(JSON.stringify(created)).not.toContain(created.secret.expose());
      expect(['active', 'expired']).toContain(created.key.status);
      const listed = (await allKeys(provider)).find((k) => k.id === created.key.id);
      expect(listed).toBeDefined();
      if (definition.capabilities.names) expect(listed!.name).toBe('conformance basic');
      expect(sandbox.accounts[simulator].find(created.key.id)!.secret).toBe(created.secret.expose());
    });

    test('create passes every option the provider takes', async () => {
      const request = expected.fullCreate;
      const created = await connect().create(request);
      const held = sandbox.accounts[simulator].find(created.key.id)!;
      if (request.scopes) expect(held.scopes).toEqual(request.scopes);
      if (request.environment) expect(held.environment).toBe(request.environment);
      if (request.ipAllowlist) expect(held.ipAllowlist).toEqual(request.ipAllowlist);
      if (request.expiresAt) expect(held.expiresAt).toBe(Date.parse(request.expiresAt));
      if (request.principal) expect(held.owner).toBe(request.principal);
      if (request.expireNow) expect(created.key.status).toBe('expired');
      if (request.idempotencyKey) {
        const again = await connect().create(request);
        expect(again.key.id).toBe(created.key.id);
      }
    });

    test('revoke takes the key out of service', async () => {
      const provider = connect();
      const created = await provider.create({ name: 'conformance revoke' });
      await provider.revoke(created.key.id);
      const listed = (await allKeys(provider)).find((k) => k.id === created.key.id);
      if (expected.afterRevoke === 'gone') expect(listed).toBeUndefined();
      else expect(listed?.status).toBe(expected.afterRevoke);
    });

    test('revoking an unknown key is not_found', async () => {
      const unknown = simulator === 'dakota' ? '2B5J8KZ9N7M1K3P6Q8R4T7V9ab' + 'c' : 'no-such-key';
      const error = await failure(connect().revoke(unknown));
      expect(error.kind).toBe('not_found');
      expect(error.exitCode).toBe(1);
    });

    test('a blank id is refused before any request is sent', async () => {
      const before = sandbox.accounts[simulator].keys.length;
      const requests = sandbox.requests.length;
      for (const id of ['', '   ']) {
        await expect(connect().revoke(id)).rejects.toMatchObject({ exitCode: 2 });
      }
      expect(sandbox.requests.length).toBe(requests);
      expect(sandbox.accounts[simulator].keys.length).toBe(before);
    });

    test('a wrong token is an auth failure (exit 4) that does not echo the token', async () => {
      const wrong = `wrong-${token}`;
      const error = await failure(allKeys(connect({ token: wrong })));
      expect(error.kind).toBe('auth');
      expect(error.exitCode).toBe(4);
      expect(error.message).toContain('401');
      expect(error.message).not.toContain(wrong);
    });

    test("a key that may not manage keys is forbidden (exit 4), in the provider's own words", async () => {
      const ordinary = sandbox.accounts[simulator].create({ name: 'ordinary', scopes: ['dns:read'] });
      const error = await failure(allKeys(connect({ token: ordinary.secret })));
      expect(error.kind).toBe('forbidden');
      expect(error.exitCode).toBe(4);
      expect(error.message).toMatch(/403 .*(may not|cannot) manage/);
      expect(error.message).not.toContain(ordinary.secret);
    });

    if (expected.invalidCreate) {
      const invalid = expected.invalidCreate;
      test('an invalid create is reported with the provider message', async () => {
        const error = await failure(connect().create(invalid));
        expect(error.kind).toBe('invalid');
        expect(error.message).toMatch(/: (400|422) \S/);
      });
    }

    test('a server error is unavailable, naming the endpoint', async () => {
      const broken = await otherSandbox({ faults: { failEvery: 1, failStatus: 500 } });
      const error = await failure(allKeys(connect({ sandbox: broken })));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toMatch(new RegExp(`^${definition.id}: GET /\\S+: 500`));
    });

    test('an answer that is not JSON is a bad response, naming the endpoint', async () => {
      const garbled = await otherSandbox({ faults: { badJsonEvery: 1 } });
      const error = await failure(allKeys(connect({ sandbox: garbled })));
      expect(error.kind).toBe('bad_response');
      expect(error.message).toMatch(/GET \S+: the answer \(200, application\/json\) is not JSON/);
    });

    test('a route the server does not have is loud on both sides', async () => {
      const wrongBase = `${sandbox.url}/nowhere`;
      const error = await failure(allKeys(connect({ baseUrl: wrongBase })));
      expect(error.kind).toBe('not_found');
      expect(sandbox.unhandled.length).toBe(1);
      expect(sandbox.unhandled[0]).toContain('/nowhere/');
      sandbox.unhandled.length = 0;
    });

    test('a refused connection is unavailable, naming the host', async () => {
      const closed = await otherSandbox({});
      const url = closed.baseUrl(simulator);
      await closed.close();
      const error = await failure(allKeys(connect({ baseUrl: url })));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toContain('connection refused');
    });
  });
}
