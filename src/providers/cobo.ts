import { ProviderApi, type ApiCall } from './api.js';
import { keyRecord, statusOf } from './normalise.js';
import { cursorPages } from './pagination.js';
import { objectAt, type Fields } from './shape.js';
import type { KeyRecord, ProviderDefinition, ProviderInfo, ProviderSettings } from './types.js';
import { Secret } from '../secrets/secret.js';

const info: ProviderInfo = {
  id: 'cobo',
  displayName: 'Cobo Agentic Wallet',
  defaultBaseUrl: 'https://api.agenticwallet.cobo.com',
  capabilities: {
    expiry: true,
    expireNow: false,
    scopes: true,
    environments: false,
    ipAllowlist: false,
    usageTracking: true,
    idempotentCreate: false,
    principal: true,
    names: true,
  },
};

/** `{success:false, error, suggestion}`, where error is a string or `{code, message}`. */
function readError(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  const { error, message, detail } = (body ?? {}) as { error?: unknown; message?: unknown; detail?: unknown };
  if (typeof error === 'string' && error) return error;
  if (error && typeof error === 'object') {
    const { code, message: text } = error as { code?: unknown; message?: unknown };
    if (typeof text === 'string') return typeof code === 'string' ? `${text} (${code})` : text;
    if (typeof code === 'string') return code;
  }
  if (typeof message === 'string' && message) return message;
  return typeof detail === 'string' ? detail : undefined;
}

const list: ApiCall = { method: 'GET', path: '/api/v1/api-keys' };
const create: ApiCall = { method: 'POST', path: '/api/v1/api-keys' };
const revoke: ApiCall = { method: 'DELETE', path: '/api/v1/api-keys/{id}' };

function toKey(f: Fields, now: Date): KeyRecord {
  const expiresAt = f.time('expires_at');
  return keyRecord({
    id: f.string('id'),
    name: f.optionalString('name'),
    status: statusOf({ revoked: f.boolean('is_revoked', false), expiresAt }, now),
    created_at: f.time('created_at'),
    last_used_at: f.time('last_used_at'),
    expires_at: expiresAt,
    revoked_at: f.time('revoked_at'),
    prefix: f.optionalString('key_prefix'),
    scopes: f.stringList('scopes'),
    owner: f.optionalString('principal_id'),
    usage_tracked: true,
  });
}

export const cobo: ProviderDefinition = {
  ...info,
  connect(settings: ProviderSettings) {
    const api = new ProviderApi(info.id, settings, { 'x-api-key': settings.token }, readError);
    return {
      ...info,
      listPages() {
        return cursorPages(
          async (cursor) => {
            const answer = await api.call({ ...list, query: { limit: 200, after: cursor } });
            return api.read(answer, list, (body) => {
              const root = objectAt(body, '');
              const items = root.array('result').map((item, i) => toKey(objectAt(item, `result[${i}]`), settings.now()));
              const meta = root.has('meta') ? root.object('meta') : undefined;
              const more = meta?.boolean('has_more', false) ?? false;
              return { items, next: more ? meta!.string('after') : null };
            });
          },
          (detail) => api.fail('bad_response', list, detail),
        );
      },

      async create(request, options) {
        const answer = await api.call({
          ...create,
          signal: options?.signal,
          json: {
            name: request.name,
            ...(request.principal ? { principal_id: request.principal } : {}),
            ...(request.scopes ? { scopes: request.scopes } : {}),
            ...(request.expiresAt ? { expires_at: request.expiresAt } : {}),
          },
        });
        return api.read(answer, create, (body) => {
          const result = objectAt(body, '').object('result');
          return { secret: new Secret(result.string('raw_key')), key: toKey(result.object('api_key'), settings.now()) };
        });
      },

      async revoke(id, options) {
        await api.call({ ...revoke, params: { id }, signal: options?.signal });
      },
    };
  },
};
