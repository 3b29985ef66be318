import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import type { SimProviderId } from '../../src/sandbox/model.js';

const started: Sandbox[] = [];

/** A sandbox whose secrets and token the leak guard (test/helpers/file-setup.ts) looks for in the file's output. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  started.push(sandbox);
  return sandbox;
}

/** Every sandbox this test file started, closed or not. */
export function startedSandboxes(): readonly Sandbox[] {
  return started;
}

/** A new test file starts with none (the helpers' modules are shared by the files a worker runs). */
export function forgetStartedSandboxes(): void {
  started.length = 0;
}

/** A sandbox for the file's tests, with a random admin token; closed after them. */
export function useSandbox(options: SandboxOptions = {}): {
  readonly current: Sandbox;
  args(provider: SimProviderId): string[];
} {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      keys: 12,
      token: `tok-${Math.random().toString(36).slice(2)}-admin`,
      ...options,
    });
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
