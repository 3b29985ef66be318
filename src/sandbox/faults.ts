/** Switches that make the simulators misbehave the way real networks and busy APIs do. Counts are per request. */
export interface FaultOptions {
  /** answer every Nth request with `failStatus` (default 503) instead */
  failEvery?: number;
  failStatus?: number;
  /** sent with those failures as Retry-After */
  retryAfterSeconds?: number;
  /** sent with those failures as X-RateLimit-Reset: the unix time this many seconds ahead */
  rateLimitResetSeconds?: number;
  /** sent with those failures as X-RateLimit-Remaining */
  rateLimitRemaining?: number;
  /** drop the connection without answering every Nth request */
  resetEvery?: number;
  /** never answer every Nth request */
  stallEvery?: number;
  /** answer every Nth request with a body that is not JSON */
  badJsonEvery?: number;
  /** carry out every Nth request, then drop the connection instead of answering: the client cannot know it happened */
  loseAnswerEvery?: number;
  /** ignore pagination cursors, so every page is the first one */
  ignoreCursors?: boolean;
  /** count only requests with these methods (default: all) */
  methods?: string[];
}

export type Fault =
  | { kind: 'reset' }
  | { kind: 'stall' }
  | { kind: 'fail'; status: number; headers: Record<string, string> }
  | { kind: 'bad-json' }
  | { kind: 'lose-answer' };

const every = (n: number | undefined, count: number): boolean => n !== undefined && n > 0 && count % n === 0;

/** Decides, request by request, which fault (if any) strikes. */
export class FaultInjector {
  private count = 0;

  constructor(private options: FaultOptions) {}

  /** Changes the faults of a running sandbox; counting starts again. */
  set(options: FaultOptions): void {
    this.options = options;
    this.count = 0;
  }

  get ignoreCursors(): boolean {
    return this.options.ignoreCursors === true;
  }

  next(method: string, nowMs: number): Fault | undefined {
    const { options } = this;
    if (options.methods && !options.methods.includes(method)) return undefined;
    const count = ++this.count;
    if (every(options.resetEvery, count)) return { kind: 'reset' };
    if (every(options.stallEvery, count)) return { kind: 'stall' };
    if (every(options.failEvery, count)) {
      const headers: Record<string, string> = {};
      if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
      if (options.rateLimitResetSeconds !== undefined)
        headers['x-ratelimit-reset'] = String(Math.ceil(nowMs / 1000) + options.rateLimitResetSeconds);
      if (options.rateLimitRemaining !== undefined)
        headers['x-ratelimit-remaining'] = String(options.rateLimitRemaining);
      return { kind: 'fail', status: options.failStatus ?? 503, headers };
    }
    if (every(options.badJsonEvery, count)) return { kind: 'bad-json' };
    if (every(options.loseAnswerEvery, count)) return { kind: 'lose-answer' };
    return undefined;
  }
}
