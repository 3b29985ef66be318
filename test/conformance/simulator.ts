// The bundled sandbox as a conformance target: one simulator's account, seen through the suite's KeyServer.
import { afterAll, beforeAll } from 'vitest';
import { builtinProvider } from '../../src/providers/registry.js';
import type { SandboxProviderId, SimKey } from '../../src/sandbox/model.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { expectations } from './expectations.js';
import type { Target } from './target.js';

/** A built-in provider against its simulator, in a sandbox of its own seeded with the expectation's keys. */
export function simulatorTarget(id: SandboxProviderId): Target<SimKey> {
  const definition = builtinProvider(id);
  if (!definition) throw new Error(`${id} is not a built-in provider`);
  const expected = expectations[id];
  const token = `conformance-${Math.random().toString(36).slice(2)}`;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ keys: expected.seededKeys ?? 230, seed: `conformance-${id}`, token });
  });
  afterAll(async () => sandbox?.close());
  const account = () => sandbox!.accounts[id];
  return {
    name: 'its simulator',
    definition,
    get baseUrl() {
      return sandbox!.baseUrl(id);
    },
    token,
    settings: expected.settings ?? {},
    credentials: expected.credentials ?? {},
    server: {
      keys: () => account().keys,
      find: (keyId) => account().find(keyId),
      seed: (key) => account().create(key),
      requests: () => sandbox!.requests.length,
      get unhandled() {
        return sandbox!.unhandled;
      },
    },
  };
}
