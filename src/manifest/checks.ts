import { KeywardenError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import type { SchemaProblem } from './json-schema.js';
import type { BodyValue, CapabilityName, CreateOption, KeyFields, Manifest } from './types.js';

/**
 * What a JSON Schema cannot say about a manifest that passed it: the base URL rule of --base-url, capabilities that
 * agree with what the manifest reads and sends, and no credential written in the file.
 */
export function manifestProblems(manifest: Manifest): SchemaProblem[] {
  return [...baseUrlProblems(manifest), ...capabilityProblems(manifest), ...queryProblems(manifest), ...credentialProblems(manifest)];
}

function baseUrlProblems(manifest: Manifest): SchemaProblem[] {
  try {
    checkBaseUrl(manifest.base_url, 'base_url');
    return [];
  } catch (error) {
    if (!(error instanceof KeywardenError)) throw error;
    return [{ path: 'base_url', message: error.message.replace(/^base_url: /, '') }];
  }
}

/**
 * A capability a command relies on must be backed by the manifest: rotate copies a key's scopes into the new key
 * only if create sends them, and audit reads expiry and last use only where the key fields map them. Otherwise an
 * option would be dropped without a word, or every key would look never used.
 */
const backing: Record<CapabilityName, { option?: CreateOption; field?: keyof KeyFields }> = {
  names: { option: 'name', field: 'name' },
  expiry: { option: 'expires_at', field: 'expires_at' },
  expire_now: { option: 'expire_now' },
  scopes: { option: 'scopes', field: 'scopes' },
  environments: { option: 'environment', field: 'environment' },
  ip_allowlist: { option: 'ip_allowlist', field: 'ip_allowlist' },
  principal: { option: 'principal', field: 'owner' },
  usage_tracking: { field: 'last_used_at' },
  idempotent_create: {},
};

function optionOf(value: BodyValue): CreateOption | undefined {
  if (typeof value === 'string') return value;
  return 'option' in value ? value.option : undefined;
}

function capabilityProblems(manifest: Manifest): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const has = (name: CapabilityName): boolean => manifest.capabilities?.[name] === true;
  const body = Object.entries(manifest.create.body ?? {});
  const sent = new Set(body.map(([, value]) => optionOf(value)));
  for (const [name, { option, field }] of Object.entries(backing) as [CapabilityName, (typeof backing)[CapabilityName]][]) {
    if (!has(name)) continue;
    if (option && !sent.has(option)) problems.push({ path: `capabilities.${name}`, message: `is true, but create.body never sends the option ${option}` });
    if (field && manifest.key_fields[field] === undefined) problems.push({ path: `capabilities.${name}`, message: `is true, but key_fields.${field} is not mapped` });
  }
  for (const [field, value] of body) {
    const option = optionOf(value);
    const capability = (Object.keys(backing) as CapabilityName[]).find((c) => backing[c].option === option && option !== 'name');
    if (capability && !has(capability)) {
      problems.push({
        path: `create.body.${field}`,
        message: `sends the option ${option}, which keywarden never passes while capabilities.${capability} is false (for a constant, use {"value": ...})`,
      });
    }
  }
  if (has('idempotent_create') !== (manifest.create.idempotency_header !== undefined)) {
    problems.push({
      path: has('idempotent_create') ? 'capabilities.idempotent_create' : 'create.idempotency_header',
      message: has('idempotent_create') ? 'is true, but create.idempotency_header is not set' : 'is set, so capabilities.idempotent_create must be true',
    });
  }
  return problems;
}

/** A static query parameter must not fight the parameters the pagination sets. */
function queryProblems(manifest: Manifest): SchemaProblem[] {
  const pagination = manifest.list.pagination;
  const owned = [
    'page_param' in pagination ? pagination.page_param : undefined,
    'cursor_param' in pagination ? pagination.cursor_param : undefined,
    'page_size' in pagination ? pagination.page_size?.param : undefined,
  ];
  return Object.keys(manifest.list.query ?? {})
    .filter((name) => owned.includes(name))
    .map((name) => ({ path: `list.query.${name}`, message: 'is set by list.pagination; leave it out of query' }));
}

const credentialLike = /auth|token|secret|key|password|passwd|cookie|session|signature/i;

/** A manifest is shared and committed: a constant that looks like a credential belongs in the environment instead. */
function credentialProblems(manifest: Manifest): SchemaProblem[] {
  const extra = manifest.auth.extra_header;
  if (!extra || !('value' in extra) || !credentialLike.test(extra.name)) return [];
  return [{ path: 'auth.extra_header.value', message: `${extra.name} looks like a credential, which a manifest must not hold; read it with "from_env"` }];
}
