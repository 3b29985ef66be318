// The LaunchDarkly simulator behind Prism, checked against LaunchDarkly's own OpenAPI description.
import { describe, expect, test } from 'vitest';
import { behindPrism, expectEmpty, expectJson, withJson } from './harness.js';

let clock = Date.now();
const ld = behindPrism('launchdarkly', { now: () => clock });
const as = (token: string) => ({ authorization: token });
const admin = () => as(ld.sandbox.token);
const account = () => ld.sandbox.accounts.launchdarkly;

interface Token {
  _id: string;
  name?: string;
  role: string;
  memberId: string;
  token: string;
  creationDate: number;
  lastModified: number;
  lastUsed?: number;
}
interface Tokens {
  items: Token[];
  _links: { self: { href: string }; next?: { href: string } };
  totalCount: number;
}
interface LdError {
  code: string;
  message: string;
}

async function listAll(query: string): Promise<{ tokens: Token[]; pages: number }> {
  const tokens: Token[] = [];
  let href: string | undefined = `/api/v2/tokens?${query}`;
  let pages = 0;
  while (href) {
    const page: Tokens = await expectJson<Tokens>(await ld.prism.fetch(href, { headers: admin() }), 200);
    pages += 1;
    tokens.push(...page.items);
    // the link is a path from the API host's root, /api/v2 included
    href = page._links.next?.href;
  }
  return { tokens, pages };
}

const create = async (body: Record<string, unknown>, token = ld.sandbox.token) =>
  expectJson<Token>(await ld.prism.fetch('/api/v2/tokens', withJson('POST', as(token), body)), 201);
const resetPath = (id: string, expiry?: number) =>
  `/api/v2/tokens/${id}/reset${expiry === undefined ? '' : `?expiry=${expiry}`}`;
const works = async (secret: string): Promise<number> => {
  const response = await ld.prism.fetch('/api/v2/', { headers: as(secret) });
  await response.text();
  return response.status;
};

describe('LaunchDarkly access tokens through Prism', () => {
  test("the list shows the caller's own tokens by default and every member's with showAll, paged by _links.next.href", async () => {
    const own = account()
      .newestFirst()
      .filter((k) => k.owner === account().ownerId);
    const mine = await listAll('limit=10');
    expect(mine.pages).toBe(Math.ceil(own.length / 10));
    expect(mine.tokens.map((t) => t._id)).toEqual(own.map((k) => k.id));

    const everyone = await listAll('showAll=true&limit=10');
    expect(everyone.tokens.map((t) => t._id)).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    expect(new Set(everyone.tokens.map((t) => t.memberId)).size).toBeGreaterThan(1);
    const first = await expectJson<Tokens>(
      await ld.prism.fetch('/api/v2/tokens?showAll=true', { headers: admin() }),
      200,
    );
    expect(first.items).toHaveLength(25);
    expect(first._links.next!.href).toBe('/api/v2/tokens?showAll=true&limit=25&offset=25');
    // straight to the sandbox, the link is a path from its root, /launchdarkly included, so it resolves as LaunchDarkly's does
    const direct = await expectJson<Tokens>(
      await fetch(`${ld.direct}/api/v2/tokens?showAll=true`, { headers: admin() }),
      200,
    );
    expect(direct._links.next!.href).toBe('/launchdarkly/api/v2/tokens?showAll=true&limit=25&offset=25');
    expect(first.totalCount).toBe(account().keys.length);
    // a listed token shows the last 4 characters of its secret
    const listed = everyone.tokens[0]!;
    expect(listed.token).toBe(account().find(listed._id)!.secret.slice(-4));
  });

  test('create (201) shows the whole secret once; it works raw in Authorization; the list shows its last 4; delete (204) ends it', async () => {
    const created = await create({ name: 'CI flags', role: 'writer' });
    expect(created.token).toMatch(/^api-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({
      name: 'CI flags',
      role: 'writer',
      memberId: account().ownerId,
      creationDate: clock,
    });

    expect(await works(created.token)).toBe(200);
    const one = await expectJson<Token>(
      await ld.prism.fetch(`/api/v2/tokens/${created._id}`, { headers: admin() }),
      200,
    );
    expect(one.token).toBe(created.token.slice(-4));
    expect(one.lastUsed).toBe(clock);
    const listing = JSON.stringify((await listAll('limit=50')).tokens);
    expect(listing).toContain(created._id);
    expect(listing).not.toContain(created.token);

    await expectEmpty(
      await ld.prism.fetch(`/api/v2/tokens/${created._id}`, { method: 'DELETE', headers: admin() }),
      204,
    );
    expect(await works(created.token)).toBe(401);
    await expectJson<LdError>(await ld.prism.fetch(`/api/v2/tokens/${created._id}`, { headers: admin() }), 404);
  });

  test('reset without expiry: a new secret, and the old one stops at once', async () => {
    const created = await create({ name: 'reset at once', role: 'reader' });
    clock += 1_000;
    const reset = await expectJson<Token>(
      await ld.prism.fetch(resetPath(created._id), { method: 'POST', headers: admin() }),
      200,
    );
    expect(reset._id).toBe(created._id);
    expect(reset.token).not.toBe(created.token);
    expect(reset.lastModified).toBe(clock);
    expect(await works(created.token)).toBe(401);
    expect(await works(reset.token)).toBe(200);
  });

  test('reset with expiry: the old secret keeps working until then, beside the new one', async () => {
    const created = await create({ name: 'reset with grace', role: 'reader' });
    const expiry = clock + 60_000;
    const reset = await expectJson<Token>(
      await ld.prism.fetch(resetPath(created._id, expiry), { method: 'POST', headers: admin() }),
      200,
    );
    expect(await works(created.token)).toBe(200);
    expect(await works(reset.token)).toBe(200);
    clock = expiry - 1;
    expect(await works(created.token)).toBe(200);
    clock = expiry;
    expect(await works(created.token)).toBe(401);
    expect(await works(reset.token)).toBe(200);
  });

  test('errors as {code, message}: no token or a bad one 401 (a Bearer prefix too), unknown ids 404', async () => {
    const none = await expectJson<LdError>(await fetch(`${ld.direct}/api/v2/tokens`), 401);
    expect(none).toEqual({ code: 'unauthorized', message: 'Invalid access token' });
    await expectJson<LdError>(
      await ld.prism.fetch('/api/v2/tokens', { headers: as('api-00000000-0000-4000-8000-000000000000') }),
      401,
    );
    await expectJson<LdError>(
      await ld.prism.fetch('/api/v2/tokens', { headers: as(`Bearer ${ld.sandbox.token}`) }),
      401,
    );
    const unknown = '0123456789abcdef01234567';
    expect(
      (await expectJson<LdError>(await ld.prism.fetch(`/api/v2/tokens/${unknown}`, { headers: admin() }), 404)).code,
    ).toBe('not_found');
    await expectJson<LdError>(
      await ld.prism.fetch(`/api/v2/tokens/${unknown}`, { method: 'DELETE', headers: admin() }),
      404,
    );
    await expectJson<LdError>(await ld.prism.fetch(resetPath(unknown), { method: 'POST', headers: admin() }), 404);
    const badRole = await ld.prism.fetch('/api/v2/tokens', withJson('POST', admin(), { role: 'owner' }));
    expect((await expectJson<LdError>(badRole, 400)).code).toBe('invalid_request');
  });

  test("a member who is not an admin sees only their own tokens, and may not list everyone's (403, which the description leaves out)", async () => {
    const reader = await create({ name: 'reader', role: 'reader' });
    const own = await expectJson<Tokens>(
      await ld.prism.fetch('/api/v2/tokens?limit=100', { headers: as(reader.token) }),
      200,
    );
    expect(own.items.every((t) => t.memberId === account().ownerId)).toBe(true);
    const refused = await fetch(`${ld.direct}/api/v2/tokens?showAll=true`, { headers: as(reader.token) });
    expect((await expectJson<LdError>(refused, 403)).code).toBe('forbidden');
  });

  test("Prism reported no violations of LaunchDarkly's description", async () => {
    expect(await ld.prism.violations()).toEqual([]);
  });
});
