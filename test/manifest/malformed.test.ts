import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { minimal, set } from './corpus.js';

/**
 * A manifest that cannot be used, given to a command as --provider: exit 2, one line naming the file and the
 * field, at most a hint, never a stack trace; nothing is sent.
 */

const dir = mkdtempSync(join(tmpdir(), 'kw-malformed-'));
let count = 0;
function file(content: unknown): string {
  const path = join(dir, `manifest-${++count}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const cases: [what: string, content: unknown, line: string][] = [
  [
    'bad JSON',
    '{\n  "manifest_version": 1,\n  "id": "tiny"\n  "name": "Tiny"\n}',
    "is not valid JSON: Expected ',' or '}' after property value (line 4, column 3)",
  ],
  [
    'an unknown field',
    set(minimal(), 'list.pages', 3),
    'list.pages: is not a field here; the fields are method, path, query, items, pagination, partition',
  ],
  [
    'a wrong type',
    set(minimal(), 'list.pagination', { style: 'link', page_size: { param: 'per_page', max: '100' } }),
    'list.pagination.page_size.max: must be a whole number',
  ],
  [
    'a bad enum',
    set(minimal(), 'list.pagination.style', 'pages'),
    'list.pagination.style: must be one of page, offset, cursor, last_id, next_url, link, none',
  ],
  ['a missing required field', set(minimal(), 'key_fields.id', undefined), 'key_fields.id: is required'],
  [
    'a non-relative path',
    set(minimal(), 'revoke.path', 'https://elsewhere.example/keys/{id}'),
    "revoke.path: must be a path below the base URL: one leading '/', no query (use query), no '#', backslash or space; {name} where a profile setting or the key id goes",
  ],
  [
    'a revoke that does not say where the key id goes',
    set(minimal(), 'revoke.path', '/keys'),
    'revoke.path: must say where the key id goes: {id} in the path, or {"key_id": ...} in the query or body',
  ],
  [
    'a path placeholder no setting declares',
    set(minimal(), 'list.path', '/orgs/{org}/keys'),
    'list.path: names the setting org, which settings does not declare',
  ],
  [
    'a credential create does not declare',
    set(minimal(), 'create.body', { password: { credential: 'password' } }),
    'create.body.password: names the credential password, which create.credentials does not declare',
  ],
  [
    'a key id in a create',
    set(minimal(), 'create.body', { id: { key_id: 'string' } }),
    'create.body.id: create has no key id yet',
  ],
  [
    'an old-secret expiry outside rotate',
    set(minimal(), 'revoke.query', { until: { old_secret_expires: 'unix_ms' } }),
    'revoke.query.until: when the old secret expires is known to rotate only',
  ],
  [
    'a form body with a nested field',
    set(set(minimal(), 'create.encoding', 'form'), 'create.body', { 'a.b': 'name' }),
    'create.body.a.b: a form-encoded body cannot nest fields',
  ],
  [
    "a credential read from one of keywarden's variables",
    set(minimal(), 'create.credentials', { password: { description: 'x', from_env: 'KEYWARDEN_FILE_PASSPHRASE' } }),
    "create.credentials.password.from_env: must be a variable named KEYWARDEN_MANIFEST_<NAME> (upper case): a manifest may read no other, so never keywarden's own credentials",
  ],
  [
    'a setting pattern that is not a regular expression',
    set(minimal(), 'settings', { org: { description: 'x', pattern: '(', example: 'o' } }),
    'settings.org.pattern: is not a regular expression',
  ],
  [
    'an http base URL to a non-loopback host',
    set(minimal(), 'base_url', 'http://api.tiny.example'),
    'base_url: http:// is allowed only for loopback hosts, not api.tiny.example',
  ],
  [
    'a credential written in the manifest',
    set(minimal(), 'auth.extra_header', { name: 'X-Api-Token', value: 'sk_live_123' }),
    'auth.extra_header.value: X-Api-Token looks like a credential, which a manifest must not hold; read it with "from_env"',
  ],
  [
    'a capability nothing backs',
    set(minimal(), 'capabilities', { usage_tracking: true }),
    'capabilities.usage_tracking: is true, but key_fields.last_used_at is not mapped',
  ],
  [
    'a query parameter the pagination sets',
    set(set(minimal(), 'list.pagination', { style: 'page', page_param: 'page' }), 'list.query', { page: 1 }),
    'list.query.page: is set by list.pagination; leave it out of query',
  ],
  [
    'a partition of a page-number listing',
    set(minimal(), 'list.partition', {
      created_from: 'from',
      created_to: 'to',
      total: 'meta.total',
      oldest_first: { order: 'asc' },
    }),
    'list.partition: needs list.pagination of style cursor or last_id',
  ],
  [
    'a secret format that does not match the whole secret',
    set(minimal(), 'secret_format', { pattern: 'tk_[a-z]+' }),
    'secret_format.pattern: must match the whole secret: begin with ^ and end with $',
  ],
  [
    'a secret format naming a key id it has no group for',
    set(minimal(), 'secret_format', { pattern: '^tk_[a-z]+$', key_id: 'first_group' }),
    'secret_format.pattern: needs a group, (...), for the key id, since key_id is first_group',
  ],
  ['a file that is not there', undefined, 'no such file'],
];

describe('a malformed manifest given as --provider', () => {
  test.each(cases)('%s: exit 2, the field path, no stack trace', async (_, content, line) => {
    const path = content === undefined ? join(dir, 'absent.json') : file(content);
    for (const argv of [
      ['--provider', path, 'list'],
      ['--provider', path, 'create', 'x', '--store', 'none', '--reveal'],
      ['profile', 'add', 'p', '--provider', path],
    ]) {
      const { code, stdout, stderr } = await runCli(argv, {
        env: isolatedEnv({ KEYWARDEN_TOKEN: 'a-token-never-used' }),
      });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(`keywarden: ${path}: ${line}`);
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('several problems: the first, and a hint to see them all', async () => {
    const path = file(set(set(minimal(), 'name', 7), 'colour', 'blue'));
    const { code, stderr } = await runCli(['--provider', path, 'list']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `keywarden: ${path}: name: must be a string\nhint: 1 more problem: keywarden providers validate ${path} lists them all\n`,
    );
  });

  test('the name of a built-in provider is not a path; an unknown one says how to give a manifest', async () => {
    const { code, stderr } = await runCli(['--provider', 'acme', 'list']);
    expect(code).toBe(2);
    expect(stderr).toContain('or give the path of a provider manifest');
  });
});
