import { KeywardenError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import type { SchemaProblem } from './json-schema.js';
import type { CapabilityName, CreateOption, KeyFields, Manifest, ValueSource } from './types.js';

/**
 * What a JSON Schema cannot say about a manifest that passed it: the base URL rule of --base-url, capabilities that
 * agree with what the manifest reads and sends, every placeholder and value source naming something the manifest
 * declares, credentials read only from variables a manifest may read, and no credential written in the file.
 * `builtin` is for keywarden's own manifests, which may read their own provider's variables (KEYWARDEN_NPM_...).
 */
export function manifestProblems(manifest: Manifest, options: { builtin?: boolean } = {}): SchemaProblem[] {
  return [
    ...baseUrlProblems(manifest),
    ...capabilityProblems(manifest),
    ...queryProblems(manifest),
    ...partitionProblems(manifest),
    ...secretFormatProblems(manifest),
    ...credentialProblems(manifest),
    ...referenceProblems(manifest),
    ...environmentProblems(manifest, options.builtin === true),
    ...encodingProblems(manifest),
  ];
}

function baseUrlProblems(manifest: Manifest): SchemaProblem[] {
  if (manifest.base_url === undefined) return [];
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

function optionOf(value: ValueSource): CreateOption | undefined {
  if (typeof value === 'string') return value;
  return 'option' in value ? value.option : undefined;
}

function capabilityProblems(manifest: Manifest): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const has = (name: CapabilityName): boolean => manifest.capabilities?.[name] === true;
  const { create } = manifest;
  const body = Object.entries(create?.body ?? {});
  const sent = new Set(body.map(([, value]) => optionOf(value)));
  for (const [name, { option, field }] of Object.entries(backing) as [
    CapabilityName,
    (typeof backing)[CapabilityName],
  ][]) {
    if (!has(name)) continue;
    // a provider without create may still have names, scopes and expiry on the keys it lists
    if (option && create && !sent.has(option))
      problems.push({
        path: `capabilities.${name}`,
        message: `is true, but create.body never sends the option ${option}`,
      });
    if (option && !field && !create)
      problems.push({ path: `capabilities.${name}`, message: 'is true, but the manifest has no create' });
    if (field && manifest.key_fields[field] === undefined)
      problems.push({ path: `capabilities.${name}`, message: `is true, but key_fields.${field} is not mapped` });
  }
  for (const [field, value] of body) {
    const option = optionOf(value);
    if (option === undefined || option === 'name') continue;
    const capability = (Object.keys(backing) as CapabilityName[]).find((c) => backing[c].option === option);
    if (capability && !has(capability)) {
      problems.push({
        path: `create.body.${field}`,
        message: `sends the option ${option}, which keywarden never passes while capabilities.${capability} is false (for a constant, use {"value": ...})`,
      });
    }
  }
  if (has('idempotent_create') !== (create?.idempotency_header !== undefined)) {
    problems.push({
      path: has('idempotent_create') ? 'capabilities.idempotent_create' : 'create.idempotency_header',
      message: has('idempotent_create')
        ? 'is true, but create.idempotency_header is not set'
        : 'is set, so capabilities.idempotent_create must be true',
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
    'offset_param' in pagination ? pagination.offset_param : undefined,
    'page_size' in pagination ? pagination.page_size?.param : undefined,
  ];
  return Object.keys(manifest.list.query ?? {})
    .filter((name) => owned.includes(name))
    .map((name) => ({ path: `list.query.${name}`, message: 'is set by list.pagination; leave it out of query' }));
}

/** Parts of a listing are walked from a creation time down by a cursor: only cursor styles can be split. */
function partitionProblems(manifest: Manifest): SchemaProblem[] {
  const { partition, pagination } = manifest.list;
  if (!partition) return [];
  const problems: SchemaProblem[] = [];
  if (pagination.style !== 'cursor' && pagination.style !== 'last_id')
    problems.push({ path: 'list.partition', message: 'needs list.pagination of style cursor or last_id' });
  if (!manifest.key_fields.created_at)
    problems.push({ path: 'list.partition', message: 'needs key_fields.created_at, the time the parts are split by' });
  if (Object.keys(partition.oldest_first).length === 0)
    problems.push({
      path: 'list.partition.oldest_first',
      message: 'must name the query values that list the oldest key first',
    });
  for (const name of [partition.created_from, partition.created_to, ...Object.keys(partition.oldest_first)]) {
    if (name in (manifest.list.query ?? {}) && !(name in partition.oldest_first))
      problems.push({ path: `list.query.${name}`, message: 'is set by list.partition; leave it out of query' });
  }
  return problems;
}

/** A secret format is matched against whole leaked secrets: anchored, and able to name the key where it says it can. */
function secretFormatProblems(manifest: Manifest): SchemaProblem[] {
  const format = manifest.secret_format;
  if (!format) return [];
  const path = 'secret_format.pattern';
  let pattern: RegExp;
  try {
    pattern = new RegExp(format.pattern);
  } catch {
    return [{ path, message: 'is not a regular expression' }];
  }
  if (!format.pattern.startsWith('^') || !format.pattern.endsWith('$'))
    return [{ path, message: 'must match the whole secret: begin with ^ and end with $' }];
  if (format.key_id === 'first_group' && new RegExp(`${pattern.source}|`).exec('')!.length < 2)
    return [{ path, message: 'needs a group, (...), for the key id, since key_id is first_group' }];
  return [];
}

const credentialLike = /auth|token|secret|key|password|passwd|cookie|session|signature/i;

/** A manifest is shared and committed: a constant that looks like a credential belongs in the environment instead. */
function credentialProblems(manifest: Manifest): SchemaProblem[] {
  const extra = manifest.auth.extra_header;
  if (!extra || !('value' in extra) || !credentialLike.test(extra.name)) return [];
  return [
    {
      path: 'auth.extra_header.value',
      message: `${extra.name} looks like a credential, which a manifest must not hold; read it with "from_env"`,
    },
  ];
}

type RequestKind = 'list' | 'create' | 'revoke' | 'rotate';

/** Every placeholder and value source names what the manifest declares, and only where it can be had. */
function referenceProblems(manifest: Manifest): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const settings = new Set(Object.keys(manifest.settings ?? {}));
  const credentials = new Set(Object.keys(manifest.create?.credentials ?? {}));
  const setting = (name: string, path: string): void => {
    if (!settings.has(name))
      problems.push({ path, message: `names the setting ${name}, which settings does not declare` });
  };
  const requests: [RequestKind, { path: string; query?: object; body?: object; headers?: object } | undefined][] = [
    ['list', manifest.list],
    ['create', manifest.create],
    ['revoke', manifest.revoke],
    ['rotate', manifest.rotate],
  ];
  for (const [kind, request] of requests) {
    if (!request) continue;
    let usesId = false;
    for (const [, name] of request.path.matchAll(/\{([a-z][a-z0-9_]*)\}/g)) {
      if (name === 'id' && (kind === 'revoke' || kind === 'rotate')) usesId = true;
      else if (name === 'id')
        problems.push({ path: `${kind}.path`, message: '{id} is the key id, which only revoke and rotate have' });
      else setting(name!, `${kind}.path`);
    }
    for (const part of ['query', 'body', 'headers'] as const) {
      // a list request's values are plain text or settings; the others' are value sources
      for (const [field, source] of Object.entries((request as Record<string, unknown>)[part] ?? {}) as [
        string,
        ValueSource | number | boolean,
      ][]) {
        const at = `${kind}.${part}.${field}`;
        if (kind === 'list') {
          if (typeof source === 'object' && 'setting' in source) setting(source.setting, at);
          continue;
        }
        const value = source as ValueSource;
        if (typeof value === 'string' || 'option' in value) {
          if (kind !== 'create')
            problems.push({ path: at, message: 'an option of keywarden create can be sent by create only' });
        } else if ('setting' in value) setting(value.setting, at);
        else if ('credential' in value) {
          if (kind !== 'create' && kind !== 'rotate')
            problems.push({ path: at, message: 'a credential can be sent by create or rotate only' });
          else if (!credentials.has(value.credential))
            problems.push({
              path: at,
              message: `names the credential ${value.credential}, which create.credentials does not declare`,
            });
        } else if ('key_id' in value) {
          if (kind === 'create') problems.push({ path: at, message: 'create has no key id yet' });
          usesId = true;
        } else if ('old_secret_expires' in value && kind !== 'rotate') {
          problems.push({ path: at, message: 'when the old secret expires is known to rotate only' });
        }
      }
    }
    if ((kind === 'revoke' || kind === 'rotate') && !usesId) {
      problems.push({
        path: `${kind}.path`,
        message: `must say where the key id goes: {id} in the path, or {"key_id": ...} in the query or body`,
      });
    }
  }
  const auth = manifest.auth;
  if (auth.scheme === 'basic' && auth.username) setting(auth.username.setting, 'auth.username.setting');
  if (auth.extra_header && 'setting' in auth.extra_header)
    setting(auth.extra_header.setting, 'auth.extra_header.setting');
  for (const [name, spec] of Object.entries(manifest.settings ?? {})) {
    if (spec.pattern === undefined) continue;
    try {
      new RegExp(spec.pattern);
    } catch {
      problems.push({ path: `settings.${name}.pattern`, message: 'is not a regular expression' });
    }
  }
  return problems;
}

const keywardenOwn = /^KEYWARDEN_(TOKEN|TOKEN_.*|FILE_PASSPHRASE|PROFILE|CONFIG_DIR)$/;

/**
 * A manifest reads from the environment only variables named KEYWARDEN_MANIFEST_...: never keywarden's own
 * credentials, nor another program's. keywarden's built-in manifests may also read their own provider's
 * (KEYWARDEN_NPM_PASSWORD for npm).
 */
function environmentProblems(manifest: Manifest, builtin: boolean): SchemaProblem[] {
  const own = `KEYWARDEN_${manifest.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  const allowed = (name: string): boolean =>
    !keywardenOwn.test(name) && (name.startsWith('KEYWARDEN_MANIFEST_') || (builtin && name.startsWith(own)));
  return Object.entries(manifest.create?.credentials ?? {})
    .filter(([, spec]) => !allowed(spec.from_env))
    .map(([name]) => ({
      path: `create.credentials.${name}.from_env`,
      message:
        "must be a variable named KEYWARDEN_MANIFEST_<NAME> (upper case): a manifest may read no other, so never keywarden's own credentials",
    }));
}

/** A form-encoded body is flat: a dotted field name, which builds a nested object, cannot be sent. */
function encodingProblems(manifest: Manifest): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const kind of ['create', 'revoke', 'rotate'] as const) {
    const request = manifest[kind];
    if (request?.encoding !== 'form') continue;
    for (const field of Object.keys(request.body ?? {})) {
      if (field.includes('.'))
        problems.push({ path: `${kind}.body.${field}`, message: 'a form-encoded body cannot nest fields' });
    }
  }
  return problems;
}
