import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startAcme, type AcmeServer } from './acme-server.js';

/** A provider that is not built in, from its manifest alone, over real HTTP: RFC 8288 Link pagination. */

const manifest = fileURLToPath(new URL('./fixtures/acme.json', import.meta.url));
const token = `acme-admin-${Math.random().toString(36).slice(2)}`;
const org = 'org_7d1f';
const servers: AcmeServer[] = [];

async function server(options: Partial<Parameters<typeof startAcme>[0]> = {}): Promise<AcmeServer> {
  const started = await startAcme({ token, org, keys: 10, pageCap: 4, ...options });
  servers.push(started);
  return started;
}

const env = (extra = {}) =>
  isolatedEnv({
    KEYWARDEN_TOKEN: token,
    KEYWARDEN_MANIFEST_ACME_ORG: org,
    KEYWARDEN_FILE_PASSPHRASE: 'acme tests',
    ...extra,
  });
const acme = (target: AcmeServer, ...argv: string[]) => ['--provider', manifest, '--base-url', target.baseUrl, ...argv];

let main: AcmeServer;
beforeAll(async () => {
  main = await server();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('Acme Cloud from a manifest, with Link pagination', () => {
  test('lists every key across several pages, following rel="next", every field mapped', async () => {
    const before = main.requests.length;
    const { code, stdout, stderr } = await runCli(acme(main, 'list', '--status', 'all', '-o', 'json'), { env: env() });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const keys = JSON.parse(stdout) as Record<string, unknown>[];
    expect(keys.map((k) => k.id).sort()).toEqual(main.keys.map((k) => k.id).sort());
    // the server gives at most 4 a page although the manifest asks for 100: 10 keys are 3 pages
    expect(main.requests.slice(before)).toEqual([
      'GET /v2/keys?include=disabled&per_page=100',
      'GET /v2/keys?include=disabled&per_page=100&page=2',
      'GET /v2/keys?include=disabled&per_page=100&page=3',
    ]);
    const byId = new Map(keys.map((k) => [k.id, k]));
    const revoked = main.keys[1]!;
    expect(byId.get(revoked.id)).toMatchObject({ status: 'revoked', revoked_at: revoked.disabled_at });
    expect(byId.get(main.keys[2]!.id)).toMatchObject({ status: 'expired', expires_at: main.keys[2]!.expires });
    const plain = main.keys[3]!;
    expect(byId.get(plain.id)).toEqual({
      provider: 'acme',
      profile: 'acme',
      id: plain.id,
      name: plain.label,
      status: 'active',
      created_at: new Date(plain.created).toISOString(),
      last_used_at: plain.last_seen_at,
      expires_at: null,
      revoked_at: null,
      prefix: null,
      hint: plain.token_tail,
      environment: null,
      scopes: ['keys:read', 'keys:write'],
      owner: 'usr_0',
      ip_allowlist: null,
      usage_tracked: true,
    });
  });

  test('a relative next link is resolved against the page that gave it', async () => {
    const relative = await server({ links: 'relative', keys: 9, pageCap: 2 });
    const { code, stdout } = await runCli(acme(relative, 'list', '--status', 'all', '-o', 'json'), { env: env() });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(9);
    expect(relative.requests).toHaveLength(5);
  });

  test('a next link on another origin stops the listing with exit 2, and the token never goes there', async () => {
    const elsewhere = await server();
    const hostile = await server({ links: { origin: elsewhere.url } });
    const { code, stdout, stderr } = await runCli(acme(hostile, 'list', '-o', 'json'), { env: env() });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `keywarden: acme: the Link header's next page is on ${elsewhere.url}, not on the base URL's ${hostile.url}; stopping so the admin token is not sent there (list.pagination.style: link)`,
    );
    expect(lines[1]).toMatch(/^hint: /);
    expect(lines).toHaveLength(2);
    expect(elsewhere.requests).toEqual([]);
    expect(hostile.requests).toHaveLength(1);
  });

  test('create sends the mapped body and reads the nested key; revoke disables it', async () => {
    const created = await runCli(
      acme(
        main,
        'create',
        'deploy bot',
        '--scopes',
        'keys:read,keys:write',
        '--expires-at',
        '2099-01-01',
        '--store',
        'file',
        '-o',
        'json',
      ),
      { env: env() },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const doc = JSON.parse(created.stdout);
    const held = main.keys.find((k) => k.id === doc.key.id)!;
    expect(held).toMatchObject({
      label: 'deploy bot',
      scopes: 'keys:read,keys:write',
      expires: '2099-01-01T00:00:00.000Z',
    });
    expect(doc.key).toMatchObject({
      provider: 'acme',
      name: 'deploy bot',
      status: 'active',
      scopes: ['keys:read', 'keys:write'],
      expires_at: '2099-01-01T00:00:00.000Z',
    });
    expect(doc.stored).toMatch(/^file:/);
    expect(created.stdout).not.toContain(held.token);

    const revoked = await runCli(acme(main, 'revoke', doc.key.id, '--yes', '-o', 'json'), { env: env() });
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).revoked.map((k: { id: string }) => k.id)).toEqual([doc.key.id]);
    expect(held.state).toBe('disabled');
  });

  test("the provider's error fields make the message: message, then (code)", async () => {
    const { code, stderr } = await runCli(acme(main, 'list'), { env: env({ KEYWARDEN_TOKEN: 'wrong-token' }) });
    expect(code).toBe(4);
    expect(stderr.split('\n')[0]).toBe(
      'keywarden: acme: GET /keys: 401 bad credentials or organization (unauthorized)',
    );
  });

  test('the organisation header is read from the variable the manifest names; unset is exit 2 naming it', async () => {
    const { code, stderr } = await runCli(acme(main, 'list'), { env: env({ KEYWARDEN_MANIFEST_ACME_ORG: undefined }) });
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(
      'keywarden: acme: the Acme-Organization header is read from KEYWARDEN_MANIFEST_ACME_ORG, which is not set',
    );
  });
});
