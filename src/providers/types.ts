import type { Requester } from '../http/client.js';
import type { Secret } from '../secrets/secret.js';

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** A key as one provider reports it, already in keywarden's normalised form (times ISO 8601 UTC). */
export interface KeyRecord {
  id: string;
  name: string | null;
  status: KeyStatus;
  created_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  prefix: string | null;
  hint: string | null;
  environment: string | null;
  scopes: string[];
  owner: string | null;
  ip_allowlist: string[] | null;
  usage_tracked: boolean;
}

/** A key as keywarden shows it: a record plus where it came from. */
export interface Key extends KeyRecord {
  provider: string;
  profile: string;
}

/** What a provider can do beyond list/create/revoke. Commands check these before calling. */
export interface Capabilities {
  /** create accepts an expiry date */
  expiry: boolean;
  /** create can make a key that is already expired (DialNexa's expire_now) */
  expireNow: boolean;
  /** keys carry scopes or permissions, and create accepts them */
  scopes: boolean;
  /** keys belong to an environment (live/test) */
  environments: boolean;
  /** keys carry an IP allowlist */
  ipAllowlist: boolean;
  /** the provider reports last_used_at */
  usageTracking: boolean;
  /** create takes an idempotency key, so a create may be retried safely */
  idempotentCreate: boolean;
  /** create accepts a principal (owner) id */
  principal: boolean;
  /** keys have names, and create stores one */
  names: boolean;
  /** keys can be created at all (GitHub's organization tokens cannot) */
  create: boolean;
  /** keys can be revoked */
  revoke: boolean;
  /** the provider gives an existing key a new secret itself (LaunchDarkly's reset), ending the old one later */
  nativeRotate: boolean;
}

export interface CreateRequest {
  name: string;
  scopes?: string[];
  environment?: string;
  expiresAt?: string;
  expireNow?: boolean;
  principal?: string;
  ipAllowlist?: string[];
  /** sent as the provider's idempotency header where it has one; the same value makes a retry safe */
  idempotencyKey?: string;
}

export interface CreatedKey {
  key: KeyRecord;
  secret: Secret;
}

/** How one call may be cut short: a create's own signal, which a first Ctrl-C does not abort, say. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What a create sends besides its options: the credentials the provider asks for, given by the person for it. */
export interface CreateCallOptions extends CallOptions {
  credentials?: Record<string, string>;
}

export interface RotateCallOptions extends CreateCallOptions {
  /** when the old secret stops working */
  oldSecretExpiresAt: Date;
}

/** A profile setting a provider needs (an account id), as `keywarden profile add --set` gives it. */
export interface SettingInfo {
  name: string;
  description: string;
  pattern?: string;
  example?: string;
  required: boolean;
}

/** A secret a create asks the person for, besides the admin token (an account password, a one-time password). */
export interface CredentialInfo {
  name: string;
  description: string;
  env: string;
  prompt?: string;
  required: boolean;
}

export interface ProviderInfo {
  id: string;
  displayName: string;
  /** null where each profile gives its own (npm: the registry's) */
  defaultBaseUrl: string | null;
  capabilities: Capabilities;
  settings: readonly SettingInfo[];
  credentials: readonly CredentialInfo[];
  /** what the provider's secrets look like, where they have a shape of their own */
  secretFormat?: SecretFormat;
}

export interface SecretFormat {
  /** the whole secret */
  pattern: RegExp;
  /** how a secret names its key, where it does */
  keyId: 'first_group' | 'sha512_hex' | null;
}

/**
 * One key administration API. A built-in adapter and a manifest-described one are the same thing to callers.
 * `listPages` yields each page as it arrives, so a caller may stream.
 */
export interface Provider extends ProviderInfo {
  listPages(): AsyncIterable<KeyRecord[]>;
  create(request: CreateRequest, options?: CreateCallOptions): Promise<CreatedKey>;
  revoke(id: string, options?: CallOptions): Promise<void>;
  /** a new secret for the same key, where the provider has a native rotate */
  rotate?(id: string, options: RotateCallOptions): Promise<CreatedKey>;
}

export interface ProviderSettings {
  baseUrl: string;
  token: string;
  http: Requester;
  /** used for expiry status; injected so tests control time */
  now: () => Date;
  /** pages fetched at once where the pagination allows it */
  pageConcurrency: number;
  /** the profile's settings the provider declares (an account id): used in paths, queries, headers and bodies */
  settings?: Record<string, string>;
}

/** A provider before it has a base URL and a token: what `providers` lists and what a profile names. */
export interface ProviderDefinition extends ProviderInfo {
  connect(settings: ProviderSettings): Provider;
}
