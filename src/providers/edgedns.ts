import { ProviderApi, type ApiCall } from './api.js';
import { ProviderError } from './errors.js';
import { keyRecord, statusOf } from './normalise.js';
import { objectAt, type Fields } from './shape.js';
import type { CreateRequest, KeyRecord, ProviderDefinition, ProviderInfo, ProviderSettings } from './types.js';
import { Secret } from '../secrets/secret.js';

const info: ProviderInfo = {
  id: 'edgedns',
  displayName: 'EdgeDNS',
  defaultBaseUrl: 'https://api.edgedns.dev/v1',
  capabilities: {
    expiry: true,
    expireNow: false,
    scopes: true,
    environments: true,
    ipAllowlist: true,
    usageTracking: true,
    idempotentCreate: false,
    principal: false,
    names: true,
  },
};

/** `{"error":{"code","message","details"},"request_id"}` */
function readError(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message === 'string') return typeof code === 'string' ? `${message} (${code})` : message;
  return typeof code === 'string' ? code : undefined;
}

const list: ApiCall = { method: 'GET', path: '/keys' };
const create: ApiCall = { method: 'POST', path: '/keys' };
const revoke: ApiCall = { method: 'DELETE', path: '/keys/{id}' };

function toKey(f: Fields, now: Date): KeyRecord {
  const expiresAt = f.time('expires_at');
  return keyRecord({
    id: f.string('id'),
    name: f.optionalString('name'),
    status: statusOf({ expiresAt }, now),
    created_at: f.time('created_at'),
    last_used_at: f.time('last_used_at'),
    expires_at: expiresAt,
    prefix: f.optionalString('prefix'),
    hint: f.optionalString('hint'),
    environment: f.optionalString('environment'),
    scopes: f.stringList('permissions'),
    ip_allowlist: f.optionalStringList('ip_allowlist') ?? [],
    usage_tracked: true,
  });
}

function createBody(request: CreateRequest): Record<string, unknown> {
  return {
    name: request.name,
    environment: request.environment ?? 'live',
    permissions: request.scopes ?? [],
    ...(request.ipAllowlist ? { ip_allowlist: request.ipAllowlist } : {}),
    ...(request.expiresAt ? { expires_at: request.expiresAt } : {}),
  };
}

/** The documentation gives the new key's secret once, beside its metadata; accept it flat or wrapped. */
function readCreated(body: unknown, now: Date): { secret: Secret; key: KeyRecord } {
  const root = objectAt(body, '');
  const meta = root.has('data') ? root.object('data') : root.has('api_key') && typeof root.raw.api_key === 'object' ? root.object('api_key') : root;
  for (const holder of [root, meta]) {
    for (const field of ['key', 'secret', 'api_key', 'raw_key']) {
      if (typeof holder.raw[field] === 'string') return { secret: new Secret(holder.string(field)), key: toKey(meta, now) };
    }
  }
  return { secret: new Secret(root.string('key')), key: toKey(meta, now) };
}

export const edgedns: ProviderDefinition = {
  ...info,
  connect(settings: ProviderSettings) {
    const api = new ProviderApi(info.id, settings, { authorization: `Bearer ${settings.token}` }, readError);
    return {
      ...info,
      async *listPages() {
        const answer = await api.call({ ...list, query: { active_only: 'true' } });
        yield api.read(answer, list, (body) => {
          const root = objectAt(body, '');
          return root.array('keys').map((item, i) => toKey(objectAt(item, `keys[${i}]`), settings.now()));
        });
      },

      async create(request, options) {
        const answer = await api.call({ ...create, json: createBody(request), signal: options?.signal });
        return api.read(answer, create, (body) => readCreated(body, settings.now()));
      },

      async revoke(id, options) {
        try {
          await api.call({ ...revoke, params: { id }, signal: options?.signal });
        } catch (error) {
          // one crawl of the documentation shows revoke as POST; a server that wants it answers DELETE with 405
          if (!(error instanceof ProviderError && error.status === 405)) throw error;
          await api.call({ ...revoke, method: 'POST', params: { id }, signal: options?.signal });
        }
      },
    };
  },
};
