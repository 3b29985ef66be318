/** When to try a request again, and how long to wait first. Pure, so it is tested without a network. */
export interface RetryPolicy {
  /** attempts in all, the first one included */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** no retry starts once this much time has passed since the first attempt */
  maxTotalMs: number;
  random: () => number;
  now: () => number;
  /** waits out the delay before the next attempt (default: a timer); tests give one that returns at once */
  sleep?: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
  random: Math.random,
  now: Date.now,
};

export const retriedStatuses = new Set([429, 502, 503, 504]);
export const retriedErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export interface FailedAttempt {
  /** attempts made so far, this one included */
  attempt: number;
  status?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
  elapsedMs: number;
}

/**
 * Milliseconds to wait before the next attempt, or null to give up and report this outcome. A wait the server asks
 * for that would run past the retry budget is not waited out: the person hears the failure instead of a long hang.
 */
export function retryDecision(policy: RetryPolicy, failed: FailedAttempt): number | null {
  if (failed.status !== undefined ? !retriedStatuses.has(failed.status) : !retriedErrorCodes.has(failed.code ?? '')) {
    return null;
  }
  if (failed.attempt >= policy.maxAttempts) return null;
  const advised = serverAdvisedDelayMs(failed.status, failed.headers, policy.now());
  const delay =
    advised ??
    Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed.attempt - 1)));
  if (failed.elapsedMs + delay > policy.maxTotalMs) return null;
  return delay;
}

/**
 * The wait a server asks for, in ms, or null to back off as usual. Retry-After (seconds or an HTTP date) is the
 * server's word on a 429 or a 503. X-RateLimit-Reset is only when the quota renews: many APIs send it on every
 * answer, so it means "wait" only on a 429, or when X-RateLimit-Remaining says the quota is used up; a 503 with
 * quota left is an outage, and backs off.
 */
export function serverAdvisedDelayMs(
  status: number | undefined,
  headers: FailedAttempt['headers'],
  nowMs: number,
): number | null {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined && (status === 429 || status === 503)) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = header(headers, 'x-ratelimit-reset');
  const remaining = header(headers, 'x-ratelimit-remaining');
  const quotaUsedUp = remaining !== undefined && /^\d+$/.test(remaining) && Number(remaining) === 0;
  if (reset !== undefined && /^\d+$/.test(reset) && (status === 429 || quotaUsedUp)) {
    return Math.max(0, Number(reset) * 1000 - nowMs);
  }
  return null;
}

function header(headers: FailedAttempt['headers'], name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}
