import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { VendorSimId } from '../../src/sandbox/model.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { startPrism, type Prism, type SpecVendor } from '../helpers/prism.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { prismSpec } from './vendor-specs.js';

/** The first run downloads the descriptions (tens of MB from the npm registry); later runs start Prism in a second or two. */
export const setupTimeoutMs = 10 * 60_000;

export interface BehindPrism {
  readonly sandbox: Sandbox;
  readonly prism: Prism;
  /** the simulator's own base URL, for the requests Prism would answer itself (no credentials at all) */
  readonly direct: string;
}

/**
 * A sandbox with a random admin token and `keys` seeded keys, and Prism in front of one vendor's simulator, for the
 * file's tests; both closed after them.
 */
export function behindPrism(vendor: SpecVendor & VendorSimId, options: SandboxOptions = {}): BehindPrism {
  let sandbox: Sandbox | undefined;
  let prism: Prism | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ keys: 45, token: `tok-${randomUUID()}-admin`, ...options });
    prism = await startPrism(await prismSpec(vendor), sandbox.baseUrl(vendor));
  }, setupTimeoutMs);
  afterAll(async () => {
    await prism?.close();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('sandbox not started');
      return sandbox;
    },
    get prism() {
      if (!prism) throw new Error('prism not started');
      return prism;
    },
    get direct() {
      return this.sandbox.baseUrl(vendor);
    },
  };
}

/** The answer's JSON, after checking its status (and showing the body when the status is not the one expected). */
export async function expectJson<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export async function expectEmpty(response: Response, status: number): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(text).toBe('');
}

/** A request with a JSON body. */
export function withJson(method: string, headers: Record<string, string>, body: unknown): RequestInit {
  return { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
