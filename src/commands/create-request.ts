import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Capabilities, CreateRequest, ProviderInfo } from '../providers/types.js';
import { parseDate, parseDuration } from '../util/time.js';

/** What a create is asked for on the command line: create's flags, and what providers validate uses to show a plan. */
export interface KeyOptions {
  scopes?: string | undefined;
  environment?: 'live' | 'test' | undefined;
  expiresIn?: string | undefined;
  expiresAt?: string | undefined;
  expireNow?: boolean | undefined;
  principal?: string | undefined;
  ipAllowlist?: string | undefined;
}

function list(text: string, flag: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag}: give a comma-separated list`);
  return items;
}

/** The provider request for the command's options; a flag the provider does not support is exit 2 naming it. */
export function createRequest(provider: ProviderInfo, name: string, options: KeyOptions, now: Date): CreateRequest {
  const need = (capability: keyof Capabilities, flag: string): void => {
    if (!provider.capabilities[capability]) {
      throw new UsageError(
        `${provider.id} does not support ${flag}`,
        'keywarden providers shows what each provider supports',
      );
    }
  };
  if (name.trim() === '') throw new UsageError('the key needs a name');
  const request: CreateRequest = { name };
  if (options.scopes !== undefined) {
    need('scopes', '--scopes');
    request.scopes = list(options.scopes, '--scopes');
  }
  if (options.environment !== undefined) {
    need('environments', '--environment');
    request.environment = options.environment;
  }
  const expiryFlags = [
    options.expiresIn && '--expires-in',
    options.expiresAt && '--expires-at',
    options.expireNow && '--expire-now',
  ].filter(Boolean);
  if (expiryFlags.length > 1) throw new UsageError(`${expiryFlags.join(' and ')} cannot be used together`);
  if (options.expiresIn !== undefined || options.expiresAt !== undefined) {
    need('expiry', options.expiresIn !== undefined ? '--expires-in' : '--expires-at');
    const at =
      options.expiresIn !== undefined
        ? new Date(now.getTime() + parseDuration(options.expiresIn, '--expires-in'))
        : parseDate(options.expiresAt!, '--expires-at');
    if (at.getTime() <= now.getTime()) throw new UsageError(`--expires-at: ${at.toISOString()} is not in the future`);
    request.expiresAt = at.toISOString();
  }
  if (options.expireNow) {
    need('expireNow', '--expire-now');
    request.expireNow = true;
  }
  if (options.principal !== undefined) {
    need('principal', '--principal');
    request.principal = options.principal;
  }
  if (options.ipAllowlist !== undefined) {
    need('ipAllowlist', '--ip-allowlist');
    request.ipAllowlist = list(options.ipAllowlist, '--ip-allowlist');
  }
  if (provider.capabilities.idempotentCreate) request.idempotencyKey = randomUUID();
  return request;
}
