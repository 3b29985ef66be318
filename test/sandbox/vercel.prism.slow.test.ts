// The Vercel simulator behind Prism, checked against Vercel's own OpenAPI description (3.1).
import { describe, expect, test } from 'vitest';
import { behindPrism, expectJson } from './harness.js';

const vercel = behindPrism('vercel');
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const admin = () => as(vercel.sandbox.token);
const account = () => vercel.sandbox.accounts.vercel;

interface AuthToken {
  id: string;
  name: string;
  type: string;
  activeAt: number;
  createdAt: number;
  expiresAt?: number;
  scopes: { type: string; teamId?: string }[];
}
interface Page {
  tokens: AuthToken[];
  pagination: { count: number; next: number | null; prev: number | null };
}
interface VercelError {
  error: { code: string; message: string; invalidToken?: boolean; missingToken?: boolean };
}

async function listAll(): Promise<{ tokens: AuthToken[]; pages: number }> {
  const tokens: AuthToken[] = [];
  let path: string | undefined = '/v5/user/tokens?limit=20';
  let pages = 0;
  while (path) {
    const page: Page = await expectJson<Page>(await vercel.prism.fetch(path, { headers: admin() }), 200);
    pages += 1;
    tokens.push(...page.tokens);
    expect(page.pagination.count).toBe(page.tokens.length);
    path = page.pagination.next === null ? undefined : `/v5/user/tokens?limit=20&until=${page.pagination.next}`;
  }
  return { tokens, pages };
}

describe('Vercel user tokens through Prism', () => {
  test('the list pages newest first with until=pagination.next until next is null; times are unix ms', async () => {
    const { tokens, pages } = await listAll();
    expect(pages).toBe(3);
    expect(tokens.map((t) => t.id)).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    const first = tokens[0]!;
    expect(first.createdAt).toBe(account().find(first.id)!.createdAt);
    expect(first.activeAt).toBeGreaterThanOrEqual(first.createdAt);
  });

  test('create answers 200 with the secret in bearerToken once; it works on /v5/user/tokens/current; revoke deletes it', async () => {
    const expiresAt = Date.now() + 30 * 86_400_000;
    const created = await expectJson<{ token: AuthToken; bearerToken: string }>(
      await vercel.prism.fetch('/v3/user/tokens', {
        method: 'POST',
        headers: { ...admin(), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'deploy bot', expiresAt }),
      }),
      200,
    );
    expect(created.bearerToken).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(created.token).toMatchObject({ name: 'deploy bot', expiresAt, scopes: [{ type: 'user' }] });

    const current = await expectJson<{ token: AuthToken }>(
      await vercel.prism.fetch('/v5/user/tokens/current', { headers: as(created.bearerToken) }),
      200,
    );
    expect(current.token.id).toBe(created.token.id);
    expect(account().find(created.token.id)!.lastUsedAt).not.toBeNull();

    const listed = await vercel.prism.fetch('/v5/user/tokens?limit=100', { headers: admin() });
    const text = await listed.text();
    expect(text).toContain(created.token.id);
    expect(text).not.toContain(created.bearerToken);
    const mine = (JSON.parse(text) as Page).tokens.find((t) => t.id === created.token.id)!;
    expect(mine.activeAt).toBe(account().find(created.token.id)!.lastUsedAt);

    const revoke = await vercel.prism.fetch(`/v3/user/tokens/${created.token.id}`, {
      method: 'DELETE',
      headers: admin(),
    });
    const revoked = await expectJson<{ tokenId: string }>(revoke, 200);
    expect(revoked).toEqual({ tokenId: created.token.id });
    expect((await listAll()).tokens.map((t) => t.id)).not.toContain(created.token.id);
    const refused = await expectJson<VercelError>(
      await vercel.prism.fetch('/v5/user/tokens/current', { headers: as(created.bearerToken) }),
      403,
    );
    expect(refused.error.invalidToken).toBe(true);
  });

  test('a team token: ?teamId= scopes it to the team', async () => {
    const created = await expectJson<{ token: AuthToken; bearerToken: string }>(
      await vercel.prism.fetch('/v3/user/tokens?teamId=team_kwOther', {
        method: 'POST',
        headers: { ...admin(), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'team token' }),
      }),
      200,
    );
    expect(created.token.scopes).toMatchObject([{ type: 'team', teamId: 'team_kwOther' }]);
    expect(created.token.expiresAt).toBeUndefined();
  });

  test("errors in Vercel's shape: a missing or bad token is 403, an unknown id 404, a past expiry 400", async () => {
    const missing = await expectJson<VercelError>(await fetch(`${vercel.direct}/v5/user/tokens`), 403);
    expect(missing.error).toMatchObject({ code: 'forbidden', missingToken: true });
    const bad = await expectJson<VercelError>(
      await vercel.prism.fetch('/v5/user/tokens', { headers: as('not-a-token') }),
      403,
    );
    expect(bad.error).toMatchObject({ code: 'forbidden', invalidToken: true });
    const unknown = 'f'.repeat(64);
    await expectJson<VercelError>(await vercel.prism.fetch(`/v5/user/tokens/${unknown}`, { headers: admin() }), 404);
    const gone = await expectJson<VercelError>(
      await vercel.prism.fetch(`/v3/user/tokens/${unknown}`, { method: 'DELETE', headers: admin() }),
      404,
    );
    expect(gone.error.code).toBe('not_found');
    const past = await vercel.prism.fetch('/v3/user/tokens', {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stale', expiresAt: 1_000 }),
    });
    expect((await expectJson<VercelError>(past, 400)).error.code).toBe('bad_request');
    // a property the description forbids never reaches the simulator through Prism; the simulator refuses it too
    const extra = await fetch(`${vercel.direct}/v3/user/tokens`, {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', projectId: 'prj_1' }),
    });
    expect((await expectJson<VercelError>(extra, 400)).error.message).toMatch(/projectId/);
  });

  test("Prism reported no violations of Vercel's description", async () => {
    expect(await vercel.prism.violations()).toEqual([]);
  });
});
