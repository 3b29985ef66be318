import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import { ProviderApi, type ApiCall } from '../providers/api.js';
import { ProviderError } from '../providers/errors.js';
import { objectAt } from '../providers/shape.js';
import type { CreatedKey, CreateRequest, ProviderDefinition, ProviderInfo, ProviderSettings } from '../providers/types.js';
import { createBody } from './body.js';
import { listPages } from './listing.js';
import { errorReader, objectOrRoot, readKey, requiredString } from './read.js';
import { capabilitiesOf, type Auth, type Manifest } from './types.js';
import { Secret } from '../secrets/secret.js';

/** What a manifest provider takes from the run: the environment (for auth.extra_header.from_env) and the redactor. */
export interface ManifestEnvironment {
  env: Record<string, string | undefined>;
  /** called with every value read from the environment, so it never appears in output */
  secret?: (value: string) => void;
}

function authHeaders(id: string, auth: Auth, token: string, environment: ManifestEnvironment): Record<string, string> {
  const headers: Record<string, string> =
    auth.scheme === 'bearer' ? { authorization: `Bearer ${token}` } : { [auth.header.toLowerCase()]: `${auth.prefix ?? ''}${token}` };
  const extra = auth.extra_header;
  if (extra) {
    let value: string | undefined;
    if ('value' in extra) value = extra.value;
    else {
      value = environment.env[extra.from_env];
      if (!value) throw new UsageError(`${id}: the ${extra.name} header is read from ${extra.from_env}, which is not set`, `set ${extra.from_env}`);
      if (/[\u0000-\u001f\u007f]/.test(value)) throw new UsageError(`${id}: ${extra.from_env} holds a control character, which a header cannot carry`);
      environment.secret?.(value);
    }
    headers[extra.name.toLowerCase()] = value;
  }
  return headers;
}

/** A manifest as a ProviderDefinition: to every caller, just another provider. */
export function manifestDefinition(manifest: Manifest, environment: ManifestEnvironment = { env: {} }): ProviderDefinition {
  const info: ProviderInfo = {
    id: manifest.id,
    displayName: manifest.name,
    defaultBaseUrl: checkBaseUrl(manifest.base_url, 'base_url'),
    capabilities: capabilitiesOf(manifest),
  };
  const { list, create, revoke, key_fields: fields } = manifest;

  return {
    ...info,
    connect(settings: ProviderSettings) {
      const api = new ProviderApi(info.id, settings, authHeaders(info.id, manifest.auth, settings.token, environment), errorReader(manifest.errors));
      const usageTracked = info.capabilities.usageTracking;

      const createdFrom = (body: unknown, request: CreateRequest): CreatedKey => {
        const root = objectAt(body, '');
        const secret = new Secret(requiredString(root, create.secret, ''));
        const key = readKey(objectOrRoot(root, create.key).raw, create.key ?? '', fields, usageTracked, settings.now());
        // what the answer leaves out but the request settled
        if (key.name === null && info.capabilities.names) key.name = request.name;
        if (request.expireNow && key.status === 'active') key.status = 'expired';
        return { secret, key };
      };

      return {
        ...info,
        listPages: () =>
          listPages({
            api,
            spec: list,
            baseUrl: settings.baseUrl,
            pageConcurrency: settings.pageConcurrency,
            readKey: (item, path) => readKey(item, path, fields, usageTracked, settings.now()),
          }),

        async create(request, options) {
          const idempotencyKey = create.idempotency_header === undefined ? undefined : (request.idempotencyKey ?? randomUUID());
          const call: ApiCall = {
            method: create.method ?? 'POST',
            path: create.path,
            signal: options?.signal,
            json: create.body === undefined ? undefined : createBody(create.body, request),
            // the same idempotency key on every attempt makes the create safe to send again
            ...(idempotencyKey === undefined ? {} : { headers: { [create.idempotency_header!.toLowerCase()]: idempotencyKey }, repeatable: true }),
          };
          const answer = await api.call(call);
          return api.read(answer, call, (body) => createdFrom(body, request));
        },

        async revoke(id, options) {
          const call: ApiCall = { method: revoke.method ?? 'DELETE', path: revoke.path, params: { id }, json: revoke.body, signal: options?.signal };
          try {
            await api.call(call);
          } catch (error) {
            if (!(revoke.fallback_method && error instanceof ProviderError && error.status === 405)) throw error;
            await api.call({ ...call, method: revoke.fallback_method });
          }
        },
      };
    },
  };
}
