import { builtinIds } from '../../src/providers/registry.js';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startAcme, type AcmeServer } from './acme-server.js';

/** `keywarden providers validate FILE`: problems with their field paths, or "valid" and the requests, none sent. */

const now = new Date('2025-06-01T12:00:00.000Z');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's section on manifests, up to the next section of the same level. */
const docs = /\n### Provider manifests\n([\s\S]*?)(\n### |$)/.exec(readme)![1]!;
const dir = mkdtempSync(join(tmpdir(), 'kw-validate-'));
const acmeFile = join(dir, 'acme.json');
copyFileSync(new URL('./fixtures/acme.json', import.meta.url), acmeFile);
const validate = (file: string, ...argv: string[]) =>
  runCli(['providers', 'validate', file, ...argv], {
    env: isolatedEnv({ KEYWARDEN_MANIFEST_ACME_ORG: 'org-that-must-not-show' }),
    now: () => now,
  });

let acme: AcmeServer;
beforeAll(async () => {
  acme = await startAcme({ token: 'unused', org: 'unused', keys: 3, pageCap: 2 });
});
afterAll(async () => {
  await acme.close();
});

describe('providers validate', () => {
  test.each([
    [0, 'acme.json'],
    [1, 'tally.json'],
  ])(
    'documented example %i is the tested fixture %s, and its documented plan is what validate prints',
    async (n, name) => {
      const blocks = [...docs.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
      const fixture = join(dir, name);
      copyFileSync(new URL(`./fixtures/${name}`, import.meta.url), fixture);
      const example = blocks.filter(([, lang]) => lang === 'json')[n]![2]!;
      expect(JSON.parse(example)).toEqual(JSON.parse(readFileSync(fixture, 'utf8')));

      const session = blocks.filter(
        ([, lang, body]) => lang === 'console' && body!.startsWith('$ keywarden providers validate'),
      )[n]![2]!;
      const [command, ...shown] = session.trimEnd().split('\n');
      const file = command!.split(' ').pop()!;
      const { code, stdout, stderr } = await validate(fixture);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      // the documentation names the file as typed in its directory
      expect(stdout.trimEnd().split(fixture).join(file).split('\n')).toEqual(shown);
    },
  );

  test('sends no request, even with a live --base-url; -o json is the plan as one document', async () => {
    const { code, stdout } = await validate(acmeFile, '--base-url', acme.baseUrl, '-o', 'json');
    expect(code).toBe(0);
    expect(acme.requests).toEqual([]);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      file: acmeFile,
      valid: true,
      sent: false,
      provider: {
        id: 'acme',
        name: 'Acme Cloud',
        base_url: acme.baseUrl,
        capabilities: {
          names: true,
          expiry: true,
          scopes: true,
          usage_tracking: true,
          ip_allowlist: false,
          create: true,
          revoke: true,
        },
      },
      list: {
        method: 'GET',
        url: `${acme.baseUrl}/keys?include=disabled&per_page=100`,
        headers: { authorization: 'Bearer <admin token>', 'acme-organization': '<$KEYWARDEN_MANIFEST_ACME_ORG>' },
        pagination: { style: 'link' },
        page_size: { param: 'per_page', value: 100 },
      },
      create: {
        command: 'keywarden create demo --scopes a,b --expires-in 30d',
        method: 'POST',
        url: `${acme.baseUrl}/keys`,
        body: { label: 'demo', scopes: ['a', 'b'], expires: '2025-07-01T12:00:00.000Z' },
      },
      revoke: { id: '42', method: 'DELETE', url: `${acme.baseUrl}/keys/42`, if_405: null },
    });
    expect(stdout).not.toContain('org-that-must-not-show');
  });

  test('shows the idempotency header, a create without a body, and the fallback method after a 405', async () => {
    const dakota = await validate('manifests/dakota.json');
    expect(dakota.code).toBe(0);
    expect(dakota.stdout).toContain(
      'list      GET https://api.platform.dakota.xyz/api-keys?sort_by=created_at&sort_dir=desc&limit=100\n',
    );
    expect(dakota.stdout).toContain(
      "          pagination last_id: starting_after=<id of the page's last key> while meta.has_more_after is true\n",
    );
    expect(dakota.stdout).toContain('          no body\n          x-idempotency-key: <a new UUID for each create>\n');

    const edgedns = JSON.parse((await validate('manifests/edgedns.json', '-o', 'json')).stdout);
    expect(edgedns.revoke).toMatchObject({
      method: 'DELETE',
      url: 'https://api.edgedns.dev/v1/keys/42',
      if_405: { method: 'POST', url: 'https://api.edgedns.dev/v1/keys/42' },
    });
    expect(edgedns.create.body).toEqual({
      name: 'demo',
      environment: 'test',
      permissions: ['a', 'b'],
      ip_allowlist: ['203.0.113.0/24'],
      expires_at: '2025-07-01T12:00:00.000Z',
    });

    const dialnexa = JSON.parse((await validate('manifests/dialnexa.json', '-o', 'json')).stdout);
    expect(dialnexa.list.url).toBe('https://api.dialnexa.com/v1/api-keys?limit=100&page=1');
    expect(dialnexa.create).toMatchObject({
      command: 'keywarden create demo --expire-now',
      body: { name: 'demo', expire_now: true },
    });
  });

  test('an invalid manifest: every problem, one line each with its field path, exit 2; -o json lists them', async () => {
    const broken = join(dir, 'broken.json');
    const manifest = JSON.parse(readFileSync(acmeFile, 'utf8'));
    manifest.list.pagination.style = 'links';
    manifest.create.path = 'keys';
    delete manifest.key_fields;
    manifest.colour = 'blue';
    (await import('node:fs')).writeFileSync(broken, JSON.stringify(manifest));

    const { code, stdout, stderr } = await validate(broken);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n').sort()).toEqual(
      [
        `keywarden: ${broken}: key_fields: is required`,
        `keywarden: ${broken}: list.pagination.style: must be one of page, offset, cursor, last_id, next_url, link, none`,
        `keywarden: ${broken}: create.path: must be a path below the base URL: one leading '/', no query (use query), no '#', backslash or space; {name} where a profile setting or the key id goes`,
        `keywarden: ${broken}: colour: is not a field here; the fields are manifest_version, id, name, base_url, settings, auth, capabilities, list, key_fields, create, revoke, rotate, errors, secret_format`,
      ].sort(),
    );

    const json = await validate(broken, '-o', 'json');
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'colour',
      'create.path',
      'key_fields',
      'list.pagination.style',
    ]);
  });

  test('`providers` without a subcommand still lists the built-in providers', async () => {
    const { code, stdout } = await runCli(['providers']);
    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line.split('\t')[0])).toEqual([...builtinIds(), '']);
  });
});
