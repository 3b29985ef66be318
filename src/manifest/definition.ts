import { UsageError } from '../errors.js';
import { checkBaseUrl } from '../http/url.js';
import { ProviderApi, type ApiCall } from '../providers/api.js';
import { ProviderError } from '../providers/errors.js';
import { objectAt, ShapeError } from '../providers/shape.js';
import type {
  CreatedKey,
  CredentialInfo,
  Provider,
  ProviderDefinition,
  ProviderInfo,
  ProviderSettings,
  SettingInfo,
} from '../providers/types.js';
import { Secret } from '../secrets/secret.js';
import { recordWithoutSecret } from '../providers/without-secret.js';
import { listPages } from './listing.js';
import { errorReader, firstString, keyReader, objectOrRoot } from './read.js';
import { capabilitiesOf, listOf, type Auth, type Manifest, type RevokeSpec, type RotateSpec } from './types.js';
import { bodyOf, encodedBody, textsOf, ValueError, type ValueContext } from './values.js';

/** What a manifest provider takes from the run: the environment (for auth.extra_header.from_env) and the redactor. */
export interface ManifestEnvironment {
  env: Record<string, string | undefined>;
  /** called with every value read from the environment, so it never appears in output */
  secret?: (value: string) => void;
}

/** The profile settings a manifest declares, as callers see them. */
export function settingsOf(manifest: Manifest): SettingInfo[] {
  return Object.entries(manifest.settings ?? {}).map(([name, spec]) => ({
    name,
    ...spec,
    required: spec.required !== false,
  }));
}

export function credentialsOf(manifest: Manifest): CredentialInfo[] {
  return Object.entries(manifest.create?.credentials ?? {}).map(([name, spec]) => ({
    name,
    description: spec.description,
    env: spec.from_env,
    ...(spec.prompt === undefined ? {} : { prompt: spec.prompt }),
    required: spec.required !== false,
  }));
}

/** The first profile setting a provider needs that is missing or malformed, and why; undefined when all are right. */
export function settingProblem(
  info: ProviderInfo,
  settings: Record<string, string> = {},
): { setting: SettingInfo; message: string } | undefined {
  for (const setting of info.settings) {
    const value = settings[setting.name];
    if (value === undefined || value === '') {
      if (setting.required)
        return { setting, message: `${info.id} needs the profile setting ${setting.name} (${setting.description})` };
      continue;
    }
    if (setting.pattern !== undefined && !new RegExp(setting.pattern).test(value)) {
      return {
        setting,
        message: `${info.id}: the profile setting ${setting.name} '${value}' is not ${setting.example ? `like ${setting.example}` : 'well-formed'}`,
      };
    }
  }
  return undefined;
}

/** Every required profile setting present and well-formed, or exit 2 naming the first that is not. */
export function checkSettings(info: ProviderInfo, settings: Record<string, string> = {}): void {
  const problem = settingProblem(info, settings);
  if (problem) throw new UsageError(problem.message);
}

function authHeaders(
  id: string,
  auth: Auth,
  token: string,
  settings: Record<string, string>,
  environment: ManifestEnvironment,
): Record<string, string> {
  let headers: Record<string, string>;
  if (auth.scheme === 'bearer') headers = { authorization: `Bearer ${token}` };
  else if (auth.scheme === 'header') headers = { [auth.header.toLowerCase()]: `${auth.prefix ?? ''}${token}` };
  else {
    const user = auth.username === undefined ? undefined : settings[auth.username.setting];
    const pair = user === undefined ? token : `${user}:${token}`;
    if (!pair.includes(':'))
      throw new UsageError(
        `${id}: the admin token must be given as user:password, which ${id} sends as HTTP Basic auth`,
      );
    // each half is as secret as the whole, wherever it might show
    for (const part of pair.split(':')) environment.secret?.(part);
    headers = { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
  const extra = auth.extra_header;
  if (extra) headers[extra.name.toLowerCase()] = extraHeaderValue(id, extra, settings, environment);
  return headers;
}

function extraHeaderValue(
  id: string,
  extra: NonNullable<Auth['extra_header']>,
  settings: Record<string, string>,
  environment: ManifestEnvironment,
): string {
  if ('value' in extra) return extra.value;
  if ('setting' in extra) return settings[extra.setting] ?? '';
  const value = environment.env[extra.from_env];
  if (!value)
    throw new UsageError(
      `${id}: the ${extra.name} header is read from ${extra.from_env}, which is not set`,
      `set ${extra.from_env}`,
    );
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new UsageError(`${id}: ${extra.from_env} holds a control character, which a header cannot carry`);
  environment.secret?.(value);
  return value;
}

/** A manifest as a ProviderDefinition: to every caller, just another provider. */
export function manifestDefinition(
  manifest: Manifest,
  environment: ManifestEnvironment = { env: {} },
): ProviderDefinition {
  const info: ProviderInfo = {
    id: manifest.id,
    displayName: manifest.name,
    defaultBaseUrl: manifest.base_url === undefined ? null : checkBaseUrl(manifest.base_url, 'base_url'),
    capabilities: capabilitiesOf(manifest),
    settings: settingsOf(manifest),
    credentials: credentialsOf(manifest),
    ...(manifest.secret_format && {
      secretFormat: {
        pattern: new RegExp(manifest.secret_format.pattern),
        keyId: manifest.secret_format.key_id ?? null,
      },
    }),
  };
  const { list, create, revoke, rotate, key_fields: fields } = manifest;

  return {
    ...info,
    connect(settings: ProviderSettings): Provider {
      const profileSettings = settings.settings ?? {};
      checkSettings(info, profileSettings);
      const api = new ProviderApi(
        info.id,
        settings,
        authHeaders(info.id, manifest.auth, settings.token, profileSettings, environment),
        errorReader(manifest.errors),
      );
      const readKey = keyReader(fields, {
        usageTracked: info.capabilities.usageTracking,
        allowlists: info.capabilities.ipAllowlist,
      });
      const unsupported = (what: string): never => {
        throw new UsageError(`${info.id} cannot ${what}`);
      };

      /** The new key and its secret, from a create or rotate answer: the secret in none of the key's fields. */
      const answered = (body: unknown, spec: { key?: string | string[]; secret: string | string[] }): CreatedKey => {
        const root = objectAt(body, '');
        const secret = new Secret(firstString(root, listOf(spec.secret)));
        const keyPaths = listOf(spec.key);
        const holder = objectOrRoot(root, keyPaths);
        const key = readKey(holder.raw, holder === root ? '' : (keyPaths.find((p) => p !== '') ?? ''), settings.now());
        return { secret, key: recordWithoutSecret(key, secret.expose()) };
      };

      /** A revoke or rotate request for one key: its path, query and body, from the manifest's spec. */
      const keyCall = (
        spec: RevokeSpec | RotateSpec,
        defaultMethod: ApiCall['method'],
        context: ValueContext,
        signal?: AbortSignal,
      ): ApiCall => {
        let body;
        try {
          body = spec.body === undefined ? {} : encodedBody(bodyOf(spec.body, context), spec.encoding);
        } catch (error) {
          if (error instanceof ValueError) throw new UsageError(`${info.id}: ${error.message}`);
          throw error;
        }
        return {
          method: spec.method ?? defaultMethod,
          path: spec.path,
          params: { ...profileSettings, id: context.keyId! },
          query: textsOf(spec.query, context),
          ...body,
          signal,
        };
      };

      return {
        ...info,
        listPages: () =>
          listPages({
            api,
            spec: list,
            baseUrl: settings.baseUrl,
            settings: profileSettings,
            pageConcurrency: settings.pageConcurrency,
            readKey,
            now: settings.now,
          }),

        async create(request, options = {}) {
          if (!create) return unsupported('create keys');
          const context: ValueContext = { request, settings: profileSettings, credentials: options.credentials };
          const idempotencyKey =
            create.idempotency_header === undefined ? undefined : (request.idempotencyKey ?? crypto.randomUUID());
          const call: ApiCall = {
            method: create.method ?? 'POST',
            path: create.path,
            params: profileSettings,
            query: textsOf(create.query, context),
            signal: options.signal,
            headers: {
              ...Object.fromEntries(
                Object.entries(textsOf(create.headers, context)).map(([name, value]) => [name.toLowerCase(), value]),
              ),
              // the same idempotency key on every attempt makes the create safe to send again
              ...(idempotencyKey === undefined ? {} : { [create.idempotency_header!.toLowerCase()]: idempotencyKey }),
            },
            repeatable: idempotencyKey !== undefined,
            ...(create.body === undefined ? {} : encodedBody(bodyOf(create.body, context), create.encoding)),
          };
          const answer = await api.call(call);
          return api.read(answer, call, (body) => {
            const created = answered(body, create);
            // what the answer leaves out but the request settled
            if (created.key.name === null && info.capabilities.names) created.key.name = request.name;
            if (request.expireNow && created.key.status === 'active') created.key.status = 'expired';
            if (created.key.hint === null && create.secret_hint)
              created.key.hint = created.secret.expose().slice(-create.secret_hint.last);
            return created;
          });
        },

        async revoke(id, options = {}) {
          if (!revoke) return unsupported('revoke keys');
          const call = keyCall(revoke, 'DELETE', { settings: profileSettings, keyId: id }, options.signal);
          try {
            await api.call(call);
          } catch (error) {
            if (!(revoke.fallback_method && error instanceof ProviderError && error.status === 405)) throw error;
            await api.call({ ...call, method: revoke.fallback_method });
          }
        },

        ...(rotate === undefined
          ? {}
          : {
              async rotate(id, options) {
                const context: ValueContext = {
                  settings: profileSettings,
                  keyId: id,
                  credentials: options.credentials,
                  oldSecretExpiresAt: options.oldSecretExpiresAt,
                };
                const call = keyCall(rotate, 'POST', context, options.signal);
                const answer = await api.call(call);
                return api.read(answer, call, (body) => {
                  const created = answered(body, rotate);
                  if (created.key.id !== id) throw new ShapeError('the key id', `${id}, the key that was rotated`);
                  return created;
                });
              },
            }),
      };
    },
  };
}
