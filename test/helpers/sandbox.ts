import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import type { SimProviderId } from '../../src/sandbox/model.js';

/** A sandbox for the file's tests, with a random admin token; closed after them. */
export function useSandbox(options: SandboxOptions = {}): { readonly current: Sandbox; args(provider: SimProviderId): string[] } {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ keys: 12, token: `tok-${Math.random().toString(36).slice(2)}-admin`, ...options });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return {
    get current() {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    },
    args(provider) {
      return ['--provider', provider, '--base-url', this.current.baseUrl(provider)];
    },
  };
}
