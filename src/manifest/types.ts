import type { Capabilities, KeyStatus } from '../providers/types.js';

/**
 * A provider manifest, as schema/provider-manifest.schema.json describes it (the README's section on manifests
 * explains each field). A value of this type has passed the schema and the checks of checks.ts.
 */
export interface Manifest {
  $schema?: string;
  manifest_version: 1;
  id: string;
  name: string;
  base_url?: string;
  settings?: Record<string, SettingSpec>;
  auth: Auth;
  capabilities?: Partial<Record<CapabilityName, boolean>>;
  list: ListSpec;
  key_fields: KeyFields;
  create?: CreateSpec;
  revoke?: RevokeSpec;
  rotate?: RotateSpec;
  errors?: ErrorSpec;
  secret_format?: SecretFormatSpec;
}

/** What the provider's secrets look like, so that a leaked one can be told apart and matched to its key. */
export interface SecretFormatSpec {
  pattern: string;
  /** how a secret names its key: the pattern's first group is the key id, or the id is the secret's SHA-512 (npm) */
  key_id?: 'first_group' | 'sha512_hex';
}

/** A profile setting the provider needs: an account id, an organisation. */
export interface SettingSpec {
  description: string;
  pattern?: string;
  example?: string;
  required?: boolean;
}

export type ExtraHeader =
  { name: string; value: string } | { name: string; setting: string } | { name: string; from_env: string };

export type Auth = (
  | { scheme: 'bearer' }
  | { scheme: 'header'; header: string; prefix?: string }
  | { scheme: 'basic'; username?: { setting: string } }
) & { extra_header?: ExtraHeader };

export interface PageSize {
  param: string;
  max: number;
}

export type Pagination =
  | {
      style: 'page';
      page_param: string;
      first_page?: number;
      page_size?: PageSize;
      total_pages?: string;
      total_items?: string;
      page_size_field?: string;
    }
  | { style: 'offset'; offset_param: string; page_size?: PageSize; total_items?: string }
  | { style: 'cursor'; cursor_param: string; next_cursor: string; has_more?: string; page_size?: PageSize }
  | { style: 'last_id'; cursor_param: string; has_more?: string; page_size?: PageSize }
  | { style: 'next_url'; next: string; page_size?: PageSize }
  | { style: 'link'; page_size?: PageSize }
  | { style: 'none' };

export type PaginationStyle = Pagination['style'];

/** A query value of a listing: a constant, or a profile setting. */
export type QueryValue = string | number | boolean | { setting: string };

export interface ListSpec {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, QueryValue>;
  items?: string;
  pagination: Pagination;
  partition?: PartitionSpec;
}

/** A cursor listing, newest first, that filters by creation time and counts what a filter matches. */
export interface PartitionSpec {
  created_from: string;
  created_to: string;
  time_format?: 'iso8601' | 'unix_seconds';
  total: string;
  oldest_first: Record<string, string>;
}

/** a field path, several tried in order, or a constant */
export type TextField = string | string[] | { value: string | null };
export type TimeFormat = 'iso8601' | 'unix_seconds' | 'unix_ms' | 'rfc2822';
export type TimeField = string | { path: string; format: TimeFormat };

export interface StatusSpec {
  path?: string;
  map?: Record<string, KeyStatus>;
  revoked_if?: string;
  expired_if?: string;
}

export interface KeyFields {
  id: string;
  name?: TextField;
  status?: StatusSpec;
  created_at?: TimeField;
  last_used_at?: TimeField;
  expires_at?: TimeField;
  revoked_at?: TimeField;
  prefix?: TextField;
  hint?: TextField;
  environment?: TextField;
  scopes?: string | string[];
  owner?: TextField;
  ip_allowlist?: string | string[];
}

export const createOptions = [
  'name',
  'scopes',
  'environment',
  'expires_at',
  'expire_now',
  'principal',
  'ip_allowlist',
] as const;
export type CreateOption = (typeof createOptions)[number];

export type KeyIdForm = 'string' | 'number' | 'string_list' | 'number_list';

/** Where one value of a request comes from. A bare string is a create option. */
export type ValueSource =
  | CreateOption
  | { option: CreateOption; default?: unknown; join?: string; format?: TimeFormat }
  | { value: unknown }
  | { setting: string }
  | { credential: string }
  | { key_id: KeyIdForm }
  | { old_secret_expires: TimeFormat };

export type Encoding = 'json' | 'form';

/** A secret the person gives for one request (an account password, a one-time password). */
export interface CredentialSpec {
  description: string;
  from_env: string;
  prompt?: string;
  required?: boolean;
}

/** What every request kind but the listing may carry besides its path. */
interface RequestParts {
  query?: Record<string, ValueSource>;
  encoding?: Encoding;
  body?: Record<string, ValueSource>;
}

export interface CreateSpec extends RequestParts {
  method?: 'POST' | 'PUT';
  path: string;
  headers?: Record<string, ValueSource>;
  credentials?: Record<string, CredentialSpec>;
  idempotency_header?: string;
  key?: string | string[];
  secret: string | string[];
  secret_hint?: { last: number };
}

export type RevokeMethod = 'DELETE' | 'POST' | 'PUT' | 'PATCH';

export interface RevokeSpec extends RequestParts {
  method?: RevokeMethod;
  path: string;
  fallback_method?: RevokeMethod;
}

export interface RotateSpec extends RequestParts {
  method?: RevokeMethod;
  path: string;
  key?: string | string[];
  secret: string | string[];
}

export interface ErrorSpec {
  message?: string | string[];
  code?: string;
}

/** The manifest's capability names (snake_case, like the rest of the file) and the `Capabilities` they set. */
export const capabilityNames = {
  names: 'names',
  expiry: 'expiry',
  expire_now: 'expireNow',
  scopes: 'scopes',
  environments: 'environments',
  ip_allowlist: 'ipAllowlist',
  principal: 'principal',
  usage_tracking: 'usageTracking',
  idempotent_create: 'idempotentCreate',
} as const satisfies Record<string, keyof Capabilities>;

export type CapabilityName = keyof typeof capabilityNames;

export function capabilitiesOf(manifest: Manifest): Capabilities {
  const capabilities = {} as Capabilities;
  for (const [name, property] of Object.entries(capabilityNames))
    capabilities[property] = manifest.capabilities?.[name as CapabilityName] === true;
  capabilities.create = manifest.create !== undefined;
  capabilities.revoke = manifest.revoke !== undefined;
  capabilities.nativeRotate = manifest.rotate !== undefined;
  return capabilities;
}

/** The paths a value source can be given at in a manifest, for messages (`create.body.scopes`). */
export function listOf(paths: string | string[] | undefined): string[] {
  return paths === undefined ? [] : [paths].flat();
}
