import { ExitCode, KeywardenError } from '../errors.js';

export type ProviderErrorKind =
  'auth' | 'forbidden' | 'not_found' | 'rate_limited' | 'invalid' | 'unavailable' | 'bad_response';

const exitCodes: Record<ProviderErrorKind, ExitCode> = {
  auth: ExitCode.auth,
  forbidden: ExitCode.auth,
  not_found: ExitCode.failure,
  rate_limited: ExitCode.failure,
  invalid: ExitCode.failure,
  unavailable: ExitCode.failure,
  bad_response: ExitCode.failure,
};

/**
 * Every provider failure, whatever the provider's own error shape. The message always names the provider and
 * the endpoint ("dakota: DELETE /api-keys/{id}: ..."); it never holds a credential or a secret.
 */
export class ProviderError extends KeywardenError {
  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: string,
    readonly endpoint: string,
    detail: string,
    readonly status?: number,
    /**
     * the request may have been carried out, or was, and its answer is lost: a timeout or a reset after sending, or
     * a 2xx answer that cannot be read
     */
    readonly outcomeUnknown = false,
    hint?: string,
  ) {
    super(`${provider}: ${endpoint}: ${detail}`, exitCodes[kind], hint);
  }
}

export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'invalid';
  return 'bad_response';
}
