// The Mux simulator behind Prism, checked against Mux's own OpenAPI description.
import { createPrivateKey, sign } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { basic, behindPrism, expectEmpty, expectJson } from './harness.js';

const mux = behindPrism('mux');
const admin = () => ({ authorization: basic('sandbox-token-id', mux.sandbox.token) });
const account = () => mux.sandbox.accounts.mux;
const keys = '/system/v1/signing-keys';

interface SigningKey {
  id: string;
  created_at: string;
  private_key?: string;
}
interface MuxError {
  error: { type: string; messages: string[] };
}

/** A signed playback token, as a Mux customer's server makes one with a signing key. */
function playbackToken(keyId: string, privateKeyBase64: string, playbackId: string, expiresInS = 600): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { sub: playbackId, aud: 'v', exp: Math.floor(Date.now() / 1000) + expiresInS };
  const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: keyId })}.${part(claims)}`;
  const key = createPrivateKey(Buffer.from(privateKeyBase64, 'base64').toString('utf8'));
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), key).toString('base64url')}`;
}

describe('Mux signing keys through Prism', () => {
  test('the list pages with page and limit and ends on a short page; created_at is unix seconds in a string', async () => {
    const seen: SigningKey[] = [];
    const sizes: number[] = [];
    for (let page = 1; ; page++) {
      const { data } = await expectJson<{ data: SigningKey[] }>(
        await mux.prism.fetch(`${keys}?limit=20&page=${page}`, { headers: admin() }),
        200,
      );
      seen.push(...data);
      sizes.push(data.length);
      if (data.length < 20) break;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(seen.map((k) => k.id)).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    expect(seen[0]!.created_at).toBe(String(Math.floor(account().newestFirst()[0]!.createdAt / 1000)));
    expect(seen.some((k) => 'private_key' in k)).toBe(false);
    const defaults = await expectJson<{ data: SigningKey[] }>(await mux.prism.fetch(keys, { headers: admin() }), 200);
    expect(defaults.data).toHaveLength(25);
  });

  test('create (no body, 201) holds the only copy of a real RSA private key; it signs playback tokens; delete (204) ends it', async () => {
    const { data: created } = await expectJson<{ data: SigningKey }>(
      await mux.prism.fetch(keys, { method: 'POST', headers: admin() }),
      201,
    );
    expect(created.id).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(Buffer.from(created.private_key!, 'base64').toString('utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    const token = playbackToken(created.id, created.private_key!, 'playback123');
    const played = await fetch(`${mux.direct}/stream/playback123.m3u8?token=${token}`);
    expect(played.status).toBe(200);
    expect(await played.text()).toMatch(/^#EXTM3U/);
    expect(account().find(created.id)!.lastUsedAt).not.toBeNull();
    const wrongVideo = await fetch(`${mux.direct}/stream/another.m3u8?token=${token}`);
    expect((await expectJson<MuxError>(wrongVideo, 403)).error.type).toBe('forbidden');

    const one = await expectJson<{ data: SigningKey }>(
      await mux.prism.fetch(`${keys}/${created.id}`, { headers: admin() }),
      200,
    );
    expect(one.data).toEqual({ id: created.id, created_at: created.created_at });
    const listing = await (await mux.prism.fetch(`${keys}?limit=100`, { headers: admin() })).text();
    expect(listing).toContain(created.id);
    expect(listing).not.toContain(created.private_key!.slice(0, 40));

    await expectEmpty(await mux.prism.fetch(`${keys}/${created.id}`, { method: 'DELETE', headers: admin() }), 204);
    expect((await fetch(`${mux.direct}/stream/playback123.m3u8?token=${token}`)).status).toBe(403);
    await expectJson<MuxError>(await mux.prism.fetch(`${keys}/${created.id}`, { headers: admin() }), 404);
  });

  test('errors as {error: {type, messages}}: no or a wrong token 401, an unknown id 404, a limit past 100 400', async () => {
    const none = await expectJson<MuxError>(await fetch(`${mux.direct}${keys}`), 401);
    expect(none).toEqual({ error: { type: 'unauthorized', messages: ['Unauthorized request'] } });
    await expectJson<MuxError>(
      await mux.prism.fetch(keys, { headers: { authorization: basic('sandbox-token-id', 'wrong') } }),
      401,
    );
    const gone = await expectJson<MuxError>(
      await mux.prism.fetch(`${keys}/NoSuchKey`, { method: 'DELETE', headers: admin() }),
      404,
    );
    expect(gone.error.type).toBe('not_found');
    expect(
      (await expectJson<MuxError>(await mux.prism.fetch(`${keys}?limit=101`, { headers: admin() }), 400)).error.type,
    ).toBe('invalid_parameters');
  });

  test("Prism reported no violations of Mux's description", async () => {
    expect(await mux.prism.violations()).toEqual([]);
  });
});
