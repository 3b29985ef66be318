// The GitHub organization PAT simulator behind Prism, checked against GitHub's own OpenAPI description.
import { describe, expect, test } from 'vitest';
import { sandboxGithubOrg } from '../../src/sandbox/github-org.js';
import { behindPrism, expectEmpty, expectJson } from './harness.js';

const github = behindPrism('github-org');
const as = (token: string) => ({
  authorization: `Bearer ${token}`,
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
});
const app = () => as(github.sandbox.token);
const account = () => github.sandbox.accounts['github-org'];
const grants = `/orgs/${sandboxGithubOrg}/personal-access-tokens`;
const repos = `/orgs/${sandboxGithubOrg}/repos`;
const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });

interface Grant {
  id: number;
  owner: { login: string; id: number };
  token_id: number;
  token_name: string;
  token_expired: boolean;
  token_expires_at: string | null;
  token_last_used_at: string | null;
  access_granted_at: string;
  permissions: Record<string, Record<string, string>>;
}
interface GithubError {
  message: string;
  documentation_url: string;
  status: string;
}

/** RFC 8288 links by relation. */
function links(header: string | null): Record<string, string> {
  const found: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (match) found[match[2]!] = match[1]!;
  }
  return found;
}

async function listAll(first: string): Promise<{ grants: Grant[]; pages: number }> {
  const all: Grant[] = [];
  let path: string | undefined = first;
  let pages = 0;
  while (path) {
    const response: Response = await github.prism.fetch(path, { headers: app() });
    all.push(...(await expectJson<Grant[]>(response, 200)));
    pages += 1;
    // GitHub's links are whole URLs: here, on Prism
    path = links(response.headers.get('link')).next;
  }
  return { grants: all, pages };
}

async function revokeOne(id: number): Promise<Response> {
  const { body, ...headers } = json({ action: 'revoke' });
  return github.prism.fetch(`${grants}/${id}`, { method: 'POST', headers: { ...app(), ...headers }, body });
}

describe('GitHub organization fine-grained PATs through Prism', () => {
  test('the list is a bare array of grants, newest first, paged by the Link header; per_page and page as GitHub has them', async () => {
    const { grants: listed, pages } = await listAll(`${grants}?per_page=20`);
    expect(pages).toBe(3);
    expect(listed.map((g) => String(g.id))).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    const newest = account().newestFirst()[0]!;
    const granted = new Date(newest.createdAt).toISOString();
    expect(listed[0]).toMatchObject({
      token_name: newest.name,
      owner: { login: newest.owner },
      access_granted_at: granted,
    });
    expect(listed[0]!.token_id).not.toBe(listed[0]!.id);
    expect(listed.some((g) => g.token_expired)).toBe(true);
    expect(listed.every((g) => Object.keys(g.permissions).length > 0)).toBe(true);

    const middle = await github.prism.fetch(`${grants}?per_page=20&page=2`, { headers: app() });
    await middle.text();
    const around = links(middle.headers.get('link'));
    expect(Object.keys(around).sort()).toEqual(['first', 'last', 'next', 'prev']);
    expect(around.last).toBe(`${github.prism.url}${grants}?per_page=20&page=3`);
    // straight to the sandbox, the links point at it, below the simulator's prefix
    const direct = await fetch(`${github.direct}${grants}?per_page=20`, { headers: app() });
    await direct.text();
    expect(links(direct.headers.get('link')).next).toBe(`${github.direct}${grants}?per_page=20&page=2`);
    const defaults = await expectJson<Grant[]>(await github.prism.fetch(grants, { headers: app() }), 200);
    expect(defaults).toHaveLength(30);
    const oldestFirst = await expectJson<Grant[]>(
      await github.prism.fetch(`${grants}?per_page=100&direction=asc`, { headers: app() }),
      200,
    );
    expect(oldestFirst.map((g) => g.id)).toEqual([...listed].reverse().map((g) => g.id));
    const owner = newest.owner;
    const theirs = await expectJson<Grant[]>(
      await github.prism.fetch(`${grants}?per_page=100&owner[]=${owner}`, { headers: app() }),
      200,
    );
    expect(theirs.map((g) => g.owner.login)).toEqual(
      account()
        .keys.filter((k) => k.owner === owner)
        .map(() => owner),
    );
  });

  test("a token works on the organization's resources and its use shows as token_last_used_at; there is no create", async () => {
    const token = account()
      .newestFirst()
      .find((k) => k.expiresAt === null || k.expiresAt > Date.now())!;
    expect(await expectJson<unknown[]>(await github.prism.fetch(repos, { headers: as(token.secret) }), 200)).toEqual(
      [],
    );
    const listed = await expectJson<Grant[]>(
      await github.prism.fetch(`${grants}?per_page=100`, { headers: app() }),
      200,
    );
    expect(listed.find((g) => String(g.id) === token.id)!.token_last_used_at).toBe(
      new Date(token.lastUsedAt!).toISOString(),
    );
    expect(JSON.stringify(listed)).not.toContain(token.secret);
  });

  test('revoking one grant (204) takes it off the list and its token loses the organization; a bulk revoke answers 202 {}', async () => {
    const [one, two, three] = account()
      .newestFirst()
      .filter((k) => k.expiresAt === null || k.expiresAt > Date.now());
    await expectEmpty(await revokeOne(Number(one!.id)), 204);
    const refused = await expectJson<GithubError>(await github.prism.fetch(repos, { headers: as(one!.secret) }), 403);
    expect(refused.message).toBe('Resource not accessible by personal access token');

    const { body, ...headers } = json({ action: 'revoke', pat_ids: [Number(two!.id), Number(three!.id)] });
    expect(
      await expectJson<object>(
        await github.prism.fetch(grants, { method: 'POST', headers: { ...app(), ...headers }, body }),
        202,
      ),
    ).toEqual({});
    const left = (await listAll(`${grants}?per_page=100`)).grants.map((g) => String(g.id));
    expect(left).not.toContain(one!.id);
    expect(left).not.toContain(two!.id);
    expect(left).not.toContain(three!.id);
    expect(left).toHaveLength(account().keys.length - 3);
    await expectJson<GithubError>(await revokeOne(Number(one!.id)), 404);
  });

  test('errors as {message, documentation_url, status}: no or a bad token 401, a PAT managing grants 403, unknown ids 404 and 422', async () => {
    const none = await expectJson<GithubError>(await fetch(`${github.direct}${grants}`), 401);
    expect(none).toMatchObject({ message: 'Requires authentication', status: '401' });
    const bad = await expectJson<GithubError>(
      await github.prism.fetch(grants, { headers: as('ghs_not-a-token') }),
      401,
    );
    expect(bad.message).toBe('Bad credentials');
    const pat = account()
      .newestFirst()
      .find((k) => k.revokedAt === null && (k.expiresAt === null || k.expiresAt > Date.now()))!;
    await expectJson<GithubError>(await github.prism.fetch(grants, { headers: as(pat.secret) }), 403);
    await expectJson<GithubError>(await revokeOne(999), 404);
    await expectJson<GithubError>(
      await github.prism.fetch('/orgs/someone-else/personal-access-tokens', { headers: app() }),
      404,
    );
    const { body, ...headers } = json({ action: 'revoke', pat_ids: [999] });
    const invalid = await expectJson<GithubError & { errors: { field: string }[] }>(
      await github.prism.fetch(grants, { method: 'POST', headers: { ...app(), ...headers }, body }),
      422,
    );
    expect(invalid.errors[0]!.field).toBe('pat_ids');
  });

  test("Prism reported no violations of GitHub's description", async () => {
    expect(await github.prism.violations()).toEqual([]);
  });
});
