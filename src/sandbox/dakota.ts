import { randomUUID } from 'node:crypto';
import {
  callerOf,
  header,
  intParam,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };
const ksuidPattern = /^[0-9A-Za-z]{27}$/;

function problem(status: number, detail: string, instance: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      type: `https://docs.dakota.xyz/errors/${titles[status]!.toLowerCase().replace(/ /g, '-')}`,
      title: titles[status],
      status,
      detail,
      instance,
      request_id: randomUUID(),
    },
  };
}

function shown(key: SimKey) {
  return {
    id: key.id,
    user_id: key.owner,
    key_suffix: key.secret.slice(-6),
    created_at: Math.floor(key.createdAt / 1000),
  };
}

/** Answers to idempotent creates, by x-idempotency-key, per simulator instance. */
const replays = new WeakMap<SimContext['account'], Map<string, SimResponse>>();

/**
 * Dakota: x-api-key auth, KSUID cursors (starting_after / ending_before), RFC 9457 problems, no names or last use,
 * a create that needs x-idempotency-key, and a revoke that deletes. `DELETE /api-keys` deletes every key, as documented.
 */
export const dakotaSim: SimProvider = {
  id: 'dakota',
  prefix: '/dakota',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const answer = routes(req, sim);
    return answer && { ...answer, headers: { ...rateLimitHeaders(sim), ...answer.headers } };
  },
};

/** Requests a key may make per window, as Dakota's documentation shows in its headers. */
const quota = 1000;
const windowMs = 60_000;
const windows = new WeakMap<SimContext['account'], { start: number; used: number }>();

/** Dakota sends its rate limit on every answer: X-RateLimit-Limit, -Remaining, and -Reset (unix seconds). */
function rateLimitHeaders(sim: SimContext): Record<string, string> {
  const now = sim.now();
  let window = windows.get(sim.account);
  if (!window || now >= window.start + windowMs) windows.set(sim.account, (window = { start: now, used: 0 }));
  window.used += 1;
  return {
    'x-ratelimit-limit': String(quota),
    'x-ratelimit-remaining': String(Math.max(0, quota - window.used)),
    'x-ratelimit-reset': String(Math.ceil((window.start + windowMs) / 1000)),
  };
}

function routes(req: SimRequest, sim: SimContext): SimResponse | undefined {
  const caller = callerOf(header(req.headers, 'x-api-key'), sim);
  const instance = req.path;
  if (route(req, 'GET', '/customers')) {
    return caller.kind === 'none'
      ? problem(401, 'Invalid or missing API key', instance)
      : { status: 200, body: { data: [] } };
  }
  const list = route(req, 'GET', '/api-keys');
  const create = route(req, 'POST', '/api-keys');
  const revoke = route(req, 'DELETE', '/api-keys/:id');
  const revokeAll = route(req, 'DELETE', '/api-keys');
  if (!list && !create && !revoke && !revokeAll) return undefined;
  if (caller.kind === 'none') return problem(401, 'Invalid or missing API key', instance);
  if (caller.kind === 'key') return problem(403, 'This API key may not manage API keys', instance);

  if (list) return listKeys(req, sim, instance);

  if (create) {
    const idempotencyKey = header(req.headers, 'x-idempotency-key');
    if (!idempotencyKey) return problem(400, 'The x-idempotency-key header is required', instance);
    let seen = replays.get(sim.account);
    if (!seen) replays.set(sim.account, (seen = new Map<string, SimResponse>()));
    const earlier = seen.get(idempotencyKey);
    if (earlier) return earlier;
    const key = sim.account.create({ name: null });
    const answer = { status: 201, body: { id: key.id, key: key.secret } };
    seen.set(idempotencyKey, answer);
    return answer;
  }

  if (revokeAll) {
    sim.account.keys.splice(0);
    return { status: 204 };
  }

  if (!sim.account.find(revoke!.id!)) return problem(404, 'API key not found', instance);
  sim.account.remove(revoke!.id!);
  return { status: 204 };
}

function listKeys(req: SimRequest, sim: SimContext, instance: string): SimResponse {
  const { query } = req;
  const limit = intParam(query, 'limit', 1, 100) ?? 20;
  if (Number.isNaN(limit)) return problem(400, 'limit must be between 1 and 100', instance);
  const after = query.get('starting_after');
  const before = query.get('ending_before');
  for (const cursor of [after, before]) {
    if (cursor !== null && !ksuidPattern.test(cursor))
      return problem(400, 'cursors must be 27-character KSUIDs', instance);
  }
  const sortBy = query.get('sort_by') ?? 'created_at';
  const sortDir = query.get('sort_dir') ?? 'desc';
  if (sortBy !== 'created_at') return problem(400, 'sort_by must be created_at', instance);
  if (sortDir !== 'asc' && sortDir !== 'desc') return problem(400, 'sort_dir must be asc or desc', instance);
  const from = query.get('created_at_from');
  const to = query.get('created_at_to');
  const fromMs = from === null ? -Infinity : Date.parse(from);
  const toMs = to === null ? Infinity : Date.parse(to);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs))
    return problem(400, 'created_at_from and created_at_to must be ISO 8601 date-times', instance);

  const everyKey = from === null && to === null;
  let keys = sim.account.newestFirst();
  if (!everyKey) keys = keys.filter((k) => k.createdAt >= fromMs && k.createdAt <= toMs);
  if (sortDir === 'asc') keys = keys.reverse();
  // the account finds a key of its newest-first order without a scan
  const indexOf = (id: string): number =>
    everyKey && sortDir === 'desc' ? sim.account.newestFirstIndex(id) : keys.findIndex((k) => k.id === id);
  let start = 0;
  let end: number;
  if (after !== null) {
    const index = indexOf(after);
    if (index < 0) return problem(400, `starting_after ${after} is not a key of this account`, instance);
    start = index + 1;
    end = Math.min(keys.length, start + limit);
  } else if (before !== null) {
    const index = indexOf(before);
    if (index < 0) return problem(400, `ending_before ${before} is not a key of this account`, instance);
    end = index;
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(keys.length, limit);
  }
  return {
    status: 200,
    body: {
      data: keys.slice(start, end).map(shown),
      meta: { total_count: keys.length, has_more_after: end < keys.length, has_more_before: start > 0 },
    },
  };
}
