import type { Capabilities, KeyStatus } from '../providers/types.js';

/**
 * A provider manifest, as schema/provider-manifest.schema.json describes it (the README's section on manifests explains
 * each field). A value of this type has passed the schema and the checks of checks.ts.
 */
export interface Manifest {
  $schema?: string;
  manifest_version: 1;
  id: string;
  name: string;
  base_url: string;
  auth: Auth;
  capabilities?: Partial<Record<CapabilityName, boolean>>;
  list: ListSpec;
  key_fields: KeyFields;
  create: CreateSpec;
  revoke: RevokeSpec;
  errors?: ErrorSpec;
}

export type ExtraHeader = { name: string; value: string } | { name: string; from_env: string };

export type Auth = ({ scheme: 'bearer' } | { scheme: 'header'; header: string; prefix?: string }) & { extra_header?: ExtraHeader };

export interface PageSize {
  param: string;
  max: number;
}

export type Pagination =
  | { style: 'page'; page_param: string; first_page?: number; page_size?: PageSize; total_pages?: string; total_items?: string }
  | { style: 'cursor'; cursor_param: string; next_cursor: string; has_more?: string; page_size?: PageSize }
  | { style: 'last_id'; cursor_param: string; has_more?: string; page_size?: PageSize }
  | { style: 'link'; page_size?: PageSize }
  | { style: 'none' };

export type PaginationStyle = Pagination['style'];

export interface ListSpec {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | boolean>;
  items?: string;
  pagination: Pagination;
}

/** a field path, or a constant */
export type TextField = string | { value: string | null };
export type TimeFormat = 'iso8601' | 'unix_seconds' | 'unix_ms';
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
  scopes?: string;
  owner?: TextField;
  ip_allowlist?: string;
}

export const createOptions = ['name', 'scopes', 'environment', 'expires_at', 'expire_now', 'principal', 'ip_allowlist'] as const;
export type CreateOption = (typeof createOptions)[number];

export type BodyValue = CreateOption | { option: CreateOption; default?: unknown } | { value: unknown };

export interface CreateSpec {
  method?: 'POST' | 'PUT';
  path: string;
  body?: Record<string, BodyValue>;
  idempotency_header?: string;
  key?: string;
  secret: string;
}

export type RevokeMethod = 'DELETE' | 'POST' | 'PUT' | 'PATCH';

export interface RevokeSpec {
  method?: RevokeMethod;
  path: string;
  fallback_method?: RevokeMethod;
  body?: Record<string, unknown>;
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
  for (const [name, property] of Object.entries(capabilityNames)) capabilities[property] = manifest.capabilities?.[name as CapabilityName] === true;
  return capabilities;
}
