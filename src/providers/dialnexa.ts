import { ProviderApi, type ApiCall } from './api.js';
import { keyRecord, statusOf } from './normalise.js';
import { numberedPages } from './pagination.js';
import { objectAt } from './shape.js';
import type { KeyRecord, ProviderDefinition, ProviderInfo, ProviderSettings } from './types.js';
import { Secret } from '../secrets/secret.js';

const info: ProviderInfo = {
  id: 'dialnexa',
  displayName: 'DialNexa',
  defaultBaseUrl: 'https://api.dialnexa.com/v1',
  capabilities: {
    expiry: false,
    expireNow: true,
    scopes: false,
    environments: false,
    ipAllowlist: false,
    usageTracking: true,
    idempotentCreate: false,
    principal: false,
    names: true,
  },
};

/** `{"statusCode":401,"message":"Unauthorized","error":"Unauthorized"}`; validation messages come as a list. */
function readError(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  const { message, error } = (body ?? {}) as { message?: unknown; error?: unknown };
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return typeof error === 'string' ? error : undefined;
}

const list: ApiCall = { method: 'GET', path: '/api-keys' };
const create: ApiCall = { method: 'POST', path: '/api-keys' };
const revoke: ApiCall = { method: 'DELETE', path: '/api-keys/{id}' };
const pageSize = 100;

export const dialnexa: ProviderDefinition = {
  ...info,
  connect(settings: ProviderSettings) {
    const api = new ProviderApi(info.id, settings, { authorization: `Bearer ${settings.token}` }, readError);

    const toKey = (item: unknown, path: string): KeyRecord => {
      const f = objectAt(item, path);
      return keyRecord({
        id: f.string('id'),
        name: f.optionalString('name'),
        // DialNexa keeps revoked keys listed as expired; it has no separate revoked flag
        status: statusOf({ expired: f.boolean('is_expired', false) }, settings.now()),
        created_at: f.time('created_at'),
        last_used_at: f.time('last_used_at'),
        usage_tracked: true,
      });
    };

    return {
      ...info,
      listPages() {
        return numberedPages(async (page) => {
          const answer = await api.call({ ...list, query: { page, limit: pageSize } });
          return api.read(answer, list, (body) => {
            const root = objectAt(body, '');
            const items = root.array('data').map((item, i) => toKey(item, `data[${i}]`));
            if (!root.has('meta')) return { items, totalPages: null };
            const meta = root.object('meta');
            const totalPages = meta.has('totalPages')
              ? meta.integer('totalPages')
              : meta.has('total')
                ? Math.ceil(meta.integer('total') / (meta.optionalInteger('limit') || pageSize))
                : null;
            return { items, totalPages };
          });
        }, settings.pageConcurrency, (detail) => api.fail('bad_response', list, detail));
      },

      async create(request, options) {
        const answer = await api.call({ ...create, signal: options?.signal, json: { name: request.name, ...(request.expireNow ? { expire_now: true } : {}) } });
        return api.read(answer, create, (body) => {
          const f = objectAt(body, '');
          return {
            secret: new Secret(f.string('secret')),
            key: keyRecord({
              id: f.string('id'),
              name: f.optionalString('name') ?? request.name,
              status: request.expireNow ? 'expired' : 'active',
              created_at: f.time('created_at'),
              usage_tracked: true,
            }),
          };
        });
      },

      async revoke(id, options) {
        await api.call({ ...revoke, params: { id }, signal: options?.signal });
      },
    };
  },
};
