import type { IncomingMessage, ServerResponse } from 'node:http';

/** Switches that make the simulators misbehave the way real networks and busy APIs do. Counts are per request. */
export interface FaultOptions {
  /** answer every Nth request with `failStatus` (default 503) instead */
  failEvery?: number;
  failStatus?: number;
  /** sent with those failures as Retry-After */
  retryAfterSeconds?: number;
  /** drop the connection without answering every Nth request */
  resetEvery?: number;
  /** never answer every Nth request */
  stallEvery?: number;
  /** answer every Nth request with a body that is not JSON */
  badJsonEvery?: number;
  /** count only requests with these methods (default: all) */
  methods?: string[];
}

const every = (n: number | undefined, count: number): boolean => n !== undefined && n > 0 && count % n === 0;


export class FaultInjector {
  private count = 0;
  private readonly stalled: ServerResponse[] = [];

  private corrupt = false;

  constructor(private options: FaultOptions) {}

  /** Changes the faults of a running sandbox; counting starts again. */
  set(options: FaultOptions): void {
    this.options = options;
    this.count = 0;
  }

  /** Called once per request; true when a fault has taken the request over. */
  async intercept(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    this.corrupt = false;
    if (this.options.methods && !this.options.methods.includes(req.method ?? '')) return false;
    this.count += 1;
    this.corrupt = every(this.options.badJsonEvery, this.count);
    const { options, count } = this;
    if (every(options.resetEvery, count)) {
      req.socket.destroy();
      return true;
    }
    if (every(options.stallEvery, count)) {
      this.stalled.push(res);
      return true;
    }
    if (every(options.failEvery, count)) {
      const status = options.failStatus ?? 503;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
      res.writeHead(status, headers);
      res.end(JSON.stringify({ message: status === 429 ? 'Too Many Requests' : 'Service Unavailable' }));
      return true;
    }
    return false;
  }

  /** Whether the answer to the request just intercepted should be corrupted. */
  corruptBody(): boolean {
    return this.corrupt;
  }

  releaseStalled(): void {
    for (const res of this.stalled.splice(0)) res.destroy();
  }
}
