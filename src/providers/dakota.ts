import { randomUUID } from 'node:crypto';
import { ProviderApi, type ApiCall } from './api.js';
import { keyRecord } from './normalise.js';
import { cursorPages } from './pagination.js';
import { objectAt } from './shape.js';
import type { KeyRecord, ProviderDefinition, ProviderInfo, ProviderSettings } from './types.js';
import { Secret } from '../secrets/secret.js';

const info: ProviderInfo = {
  id: 'dakota',
  displayName: 'Dakota',
  defaultBaseUrl: 'https://api.platform.dakota.xyz',
  capabilities: {
    expiry: false,
    expireNow: false,
    scopes: false,
    environments: false,
    ipAllowlist: false,
    usageTracking: false,
    idempotentCreate: true,
    principal: false,
    names: false,
  },
};

/** RFC 9457 problem details: `{type,title,status,detail,instance,request_id}`. */
function readError(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  const { title, detail } = (body ?? {}) as { title?: unknown; detail?: unknown };
  if (typeof detail === 'string' && detail) return detail;
  return typeof title === 'string' ? title : undefined;
}

const list: ApiCall = { method: 'GET', path: '/api-keys' };
const create: ApiCall = { method: 'POST', path: '/api-keys' };
const revoke: ApiCall = { method: 'DELETE', path: '/api-keys/{id}' };

function toKey(item: unknown, path: string): KeyRecord {
  const f = objectAt(item, path);
  return keyRecord({
    id: f.string('id'),
    status: 'active', // Dakota deletes a revoked key, and its keys do not expire
    created_at: f.time('created_at'),
    hint: f.optionalString('key_suffix'),
    owner: f.optionalString('user_id'),
    usage_tracked: false,
  });
}

export const dakota: ProviderDefinition = {
  ...info,
  connect(settings: ProviderSettings) {
    const api = new ProviderApi(info.id, settings, { 'x-api-key': settings.token }, readError);
    return {
      ...info,
      listPages() {
        return cursorPages(
          async (cursor) => {
            const answer = await api.call({ ...list, query: { limit: 100, sort_by: 'created_at', sort_dir: 'desc', starting_after: cursor } });
            return api.read(answer, list, (body) => {
              const root = objectAt(body, '');
              const items = root.array('data').map((item, i) => toKey(item, `data[${i}]`));
              const more = root.has('meta') && root.object('meta').boolean('has_more_after', false);
              return { items, next: more && items.length > 0 ? items[items.length - 1]!.id : null };
            });
          },
          (detail) => api.fail('bad_response', list, detail),
        );
      },

      async create(request, options) {
        // the same idempotency key on every attempt makes the create safe to retry
        const idempotencyKey = request.idempotencyKey ?? randomUUID();
        const answer = await api.call({ ...create, headers: { 'x-idempotency-key': idempotencyKey }, repeatable: true, signal: options?.signal });
        return api.read(answer, create, (body) => {
          const f = objectAt(body, '');
          const secret = f.string('key');
          return {
            secret: new Secret(secret),
            key: keyRecord({ id: f.string('id'), status: 'active', hint: secret.slice(-6), usage_tracked: false }),
          };
        });
      },

      async revoke(id, options) {
        await api.call({ ...revoke, params: { id }, signal: options?.signal });
      },
    };
  },
};
