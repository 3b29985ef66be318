// The npm registry token simulator, tested directly: npm publishes no OpenAPI description of this API, so there is no
// Prism check; what is checked is what the registry's API document and npm's own CLI expect.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { npmSandboxAccount, type NpmSimOptions } from '../../src/sandbox/npm.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { basic, expectEmpty, expectJson, withJson } from './harness.js';

interface Token {
  token: string;
  key: string;
  name?: string;
  cidr_whitelist: string[] | null;
  readonly: boolean;
  created: string;
  updated: string;
  expires?: string;
}
interface Page {
  objects: Token[];
  total: number;
  urls: { next?: string; prev?: string };
}

/** One sandbox per way the npm account can be set up. */
type Setup = 'plain' | 'twoFactor' | 'authOnly' | 'paths';
const sandboxes: Partial<Record<Setup, Sandbox>> = {};
const options: Record<Setup, NpmSimOptions> = {
  plain: {},
  twoFactor: { otp: '123456' },
  authOnly: { otp: '654321', twoFactorMode: 'auth-only' },
  paths: { nextUrls: 'path' },
};
beforeAll(async () => {
  for (const name of Object.keys(options) as Setup[]) {
    sandboxes[name] = await startTestSandbox({ keys: 45, token: `tok-${randomUUID()}-admin`, npm: options[name] });
  }
});
afterAll(async () => {
  for (const sandbox of Object.values(sandboxes)) await sandbox?.close();
});

const sandbox = (name: Setup = 'plain'): Sandbox => sandboxes[name]!;
/** The registry root, as npm's `registry` setting would hold it. */
const registry = (name: Setup = 'plain') => sandbox(name).baseUrl('npm');
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const admin = (name: Setup = 'plain') => as(sandbox(name).token);

async function createToken(
  name: Setup,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${registry(name)}/-/npm/v1/tokens`, withJson('POST', { ...admin(name), ...headers }, body));
}
const whoami = (token: string, name: Setup = 'plain') => fetch(`${registry(name)}/-/whoami`, { headers: as(token) });

/** Follows urls.next, resolved against the URL that answered, until it is absent. */
async function listAll(name: Setup = 'plain'): Promise<{ tokens: Token[]; pages: Page[] }> {
  const tokens: Token[] = [];
  const pages: Page[] = [];
  let url: URL | undefined = new URL(`${registry(name)}/-/npm/v1/tokens`);
  while (url) {
    const page: Page = await expectJson<Page>(await fetch(url, { headers: admin(name) }), 200);
    pages.push(page);
    tokens.push(...page.objects);
    url = page.urls.next ? new URL(page.urls.next, url) : undefined;
  }
  return { tokens, pages };
}

describe('npm registry tokens', () => {
  test('whoami answers the user, for a bearer token or Basic user:password', async () => {
    expect(await expectJson<{ username: string }>(await whoami(sandbox().token), 200)).toEqual({
      username: npmSandboxAccount.username,
    });
    const { username, password } = npmSandboxAccount;
    const viaBasic = await fetch(`${registry()}/-/whoami`, { headers: { authorization: basic(username, password) } });
    expect(await expectJson<{ username: string }>(viaBasic, 200)).toEqual({ username: npmSandboxAccount.username });
  });

  test('the list pages 10 at a time, newest first, followed by urls.next (a whole URL) until it is absent', async () => {
    const { tokens, pages } = await listAll();
    expect(pages.map((p) => p.objects.length)).toEqual([10, 10, 10, 10, 5]);
    expect(pages.every((p) => p.total === 45)).toBe(true);
    const at = (page: number) => `${registry()}/-/npm/v1/tokens?page=${page}&perPage=10`;
    expect(pages[1]!.urls).toEqual({ next: at(2), prev: at(0) });
    const held = sandbox().accounts.npm.newestFirst();
    expect(tokens.map((t) => t.key)).toEqual(held.map((k) => k.id));
    // the key is the sha512 of the token; the listing shows only the token's first 6 characters (npm's CLI adds the …)
    const first = held[0]!;
    expect(first.id).toBe(createHash('sha512').update(first.secret).digest('hex'));
    expect(tokens[0]!.token).toBe(first.secret.slice(0, 6));
    expect(tokens[0]!.created).toBe(new Date(first.createdAt).toISOString());
    const big = await expectJson<Page>(
      await fetch(`${registry()}/-/npm/v1/tokens?perPage=100`, { headers: admin() }),
      200,
    );
    expect(big.objects).toHaveLength(45);
    expect(big.urls).toEqual({});
  });

  test("with nextUrls: path, urls.next is a path from the server's root, the sandbox's /npm prefix included", async () => {
    const { pages } = await listAll('paths');
    expect(pages).toHaveLength(5);
    expect(pages[0]!.urls.next).toBe('/npm/-/npm/v1/tokens?page=1&perPage=10');
  });

  test('create needs the account password and answers the whole token once; it works; the list truncates it; revoke deletes it', async () => {
    const asNpmSends = { password: npmSandboxAccount.password, readonly: false, cidr_whitelist: [] };
    const created = await expectJson<Token>(await createToken('plain', asNpmSends), 200);
    expect(created.token).toMatch(/^npm_[0-9A-Za-z]{36}$/);
    expect(created).toMatchObject({
      readonly: false,
      cidr_whitelist: null,
      key: createHash('sha512').update(created.token).digest('hex'),
    });
    expect(created.created).toBe(created.updated);

    expect(await expectJson<{ username: string }>(await whoami(created.token), 200)).toEqual({
      username: npmSandboxAccount.username,
    });
    expect(sandbox().accounts.npm.find(created.key)!.lastUsedAt).not.toBeNull();
    const listed = (await listAll()).tokens.find((t) => t.key === created.key)!;
    expect(listed.token).toBe(created.token.slice(0, 6));
    expect(JSON.stringify((await listAll()).tokens)).not.toContain(created.token);

    await expectEmpty(
      await fetch(`${registry()}/-/npm/v1/tokens/token/${created.key}`, { method: 'DELETE', headers: admin() }),
      204,
    );
    expect((await listAll()).tokens.map((t) => t.key)).not.toContain(created.key);
    await expectJson(await whoami(created.token), 401);
  });

  test("npm 11's fields: a name, an expiry in days, a CIDR allowlist, read-only; revoke by the whole token works too", async () => {
    const body = {
      name: 'publish from CI',
      password: npmSandboxAccount.password,
      readonly: true,
      cidr_whitelist: ['192.0.2.0/24'],
      expires: 30,
    };
    const created = await expectJson<Token>(await createToken('plain', body), 200);
    expect(created).toMatchObject({ name: 'publish from CI', readonly: true, cidr_whitelist: ['192.0.2.0/24'] });
    expect(Date.parse(created.expires!) - Date.parse(created.created)).toBe(30 * 86_400_000);
    // a read-only token may look but not manage tokens
    await expectJson(await fetch(`${registry()}/-/npm/v1/tokens`, { headers: as(created.token) }), 200);
    const refused = await createToken('plain', { password: npmSandboxAccount.password }, as(created.token));
    expect((await expectJson<{ error: string }>(refused, 403)).error).toMatch(/read-only/);
    await expectEmpty(
      await fetch(`${registry()}/-/npm/v1/tokens/token/${created.token}`, { method: 'DELETE', headers: admin() }),
      204,
    );
    expect(sandbox().accounts.npm.find(created.key)).toBeUndefined();
  });

  test('a wrong password is a 401 that does not ask for a one-time password', async () => {
    const refused = await createToken('plain', { password: 'not it', readonly: false, cidr_whitelist: [] });
    expect(refused.headers.get('www-authenticate')).toBeNull();
    const { error } = await expectJson<{ error: string }>(refused, 401);
    expect(error).toMatch(/password/);
    expect(error).not.toMatch(/one-time pass/);
    await expectJson(await createToken('plain', { readonly: false }), 400);
  });

  test('with two-factor auth on, create needs the right npm-otp (401 www-authenticate: OTP without it), and so does revoke', async () => {
    const body = { password: npmSandboxAccount.password, readonly: false, cidr_whitelist: [] };
    const challenged = await createToken('twoFactor', body);
    expect(challenged.headers.get('www-authenticate')).toBe('OTP');
    expect((await expectJson<{ error: string }>(challenged, 401)).error).toMatch(/one-time pass/);
    const wrong = await createToken('twoFactor', body, { 'npm-otp': '000000' });
    expect(wrong.headers.get('www-authenticate')).toBe('OTP');
    await expectJson(wrong, 401);
    const created = await expectJson<Token>(await createToken('twoFactor', body, { 'npm-otp': '123456' }), 200);

    const revoke = (headers: Record<string, string> = {}) =>
      fetch(`${registry('twoFactor')}/-/npm/v1/tokens/token/${created.key}`, {
        method: 'DELETE',
        headers: { ...admin('twoFactor'), ...headers },
      });
    const needsOtp = await revoke();
    expect(needsOtp.headers.get('www-authenticate')).toBe('OTP');
    await expectJson(needsOtp, 401);
    await expectEmpty(await revoke({ 'npm-otp': '123456' }), 204);
  });

  test('in auth-only mode the one-time password is needed to create a token, not to revoke one', async () => {
    const body = { password: npmSandboxAccount.password };
    expect((await createToken('authOnly', body)).status).toBe(401);
    const created = await expectJson<Token>(await createToken('authOnly', body, { 'npm-otp': '654321' }), 200);
    const revoke = await fetch(`${registry('authOnly')}/-/npm/v1/tokens/token/${created.key}`, {
      method: 'DELETE',
      headers: admin('authOnly'),
    });
    await expectEmpty(revoke, 204);
  });

  test('errors as {error}: no or a bad token 401, an unknown key 404, bad fields and pages 400', async () => {
    expect(await expectJson(await fetch(`${registry()}/-/npm/v1/tokens`), 401)).toEqual({ error: 'Unauthorized' });
    await expectJson(await whoami('npm_not-a-token'), 401);
    await expectJson(
      await fetch(`${registry()}/-/npm/v1/tokens/token/${'0'.repeat(128)}`, { method: 'DELETE', headers: admin() }),
      404,
    );
    const password = npmSandboxAccount.password;
    await expectJson(await createToken('plain', { password, readonly: 'yes' }), 400);
    await expectJson(await createToken('plain', { password, cidr_whitelist: ['not a range'] }), 400);
    await expectJson(await createToken('plain', { password, expires: 0 }), 400);
    await expectJson(await fetch(`${registry()}/-/npm/v1/tokens?page=99`, { headers: admin() }), 400);
    await expectJson(await fetch(`${registry()}/-/npm/v1/tokens?perPage=0`, { headers: admin() }), 400);
  });
});
