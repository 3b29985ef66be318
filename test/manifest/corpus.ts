import { readdirSync, readFileSync } from 'node:fs';

/** Manifests for the schema tests: the shipped ones, the documented example, and ways to get each part wrong. */

export const manifestFiles = readdirSync(new URL('../../manifests/', import.meta.url))
  .filter((name) => name.endsWith('.json'))
  .map((name) => `manifests/${name}`);

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export const acme = (): Record<string, unknown> => readJson('test/manifest/fixtures/acme.json');

/** The smallest manifest that passes every check. */
export const minimal = (): Record<string, unknown> => ({
  manifest_version: 1,
  id: 'tiny',
  name: 'Tiny',
  base_url: 'https://api.tiny.example',
  auth: { scheme: 'bearer' },
  list: { path: '/keys', pagination: { style: 'none' } },
  key_fields: { id: 'id' },
  create: { path: '/keys', secret: 'secret' },
  revoke: { path: '/keys/{id}' },
});

/** A change to a valid manifest; `set(doc, 'a.b', value)` with `undefined` deletes. */
export function set(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  const names = path.split('.');
  let holder = copy;
  for (const name of names.slice(0, -1)) holder = (holder[name] ??= {}) as Record<string, unknown>;
  const last = names[names.length - 1]!;
  if (value === undefined) delete holder[last];
  else holder[last] = value;
  return copy;
}

/** Valid variants beyond the shipped files: every form each part can take. */
export const validVariants = (): [string, Record<string, unknown>][] => [
  ['minimal', minimal()],
  [
    'header auth with prefix and a constant extra header',
    set(minimal(), 'auth', {
      scheme: 'header',
      header: 'Authorization',
      prefix: 'Token ',
      extra_header: { name: 'X-Region', value: 'eu' },
    }),
  ],
  [
    'page style without totals, 0-based',
    set(minimal(), 'list.pagination', { style: 'page', page_param: 'p', first_page: 0 }),
  ],
  [
    'cursor style without has_more',
    set(minimal(), 'list.pagination', { style: 'cursor', cursor_param: 'c', next_cursor: 'next' }),
  ],
  ['link style without page size', set(minimal(), 'list.pagination', { style: 'link' })],
  ['status from a field with its own words', set(minimal(), 'key_fields.status', { path: 'status' })],
  ['constant text fields', set(minimal(), 'key_fields.environment', { value: 'live' })],
  ['a null constant', set(minimal(), 'key_fields.owner', { value: null })],
  [
    'a constant body object and a nested body field',
    set(minimal(), 'create.body', { 'data.name': 'name', kind: { value: { type: 'admin' } } }),
  ],
  ['list by POST with a query', set(set(minimal(), 'list.method', 'POST'), 'list.query', { a: 1, b: true, c: 'x' })],
  [
    'revoke by PATCH with a body',
    set(minimal(), 'revoke', { method: 'PATCH', path: '/keys/{id}/state', body: { state: { value: 'disabled' } } }),
  ],
  [
    'revoke by POST of a list of ids, form-encoded',
    set(minimal(), 'revoke', {
      method: 'POST',
      path: '/keys/revoke',
      encoding: 'form',
      body: { ids: { key_id: 'number_list' }, reason: { value: 'rotated' } },
    }),
  ],
  ['no create and no revoke', set(set(minimal(), 'create', undefined), 'revoke', undefined)],
  ['HTTP Basic auth from the token', set(minimal(), 'auth', { scheme: 'basic' })],
  [
    'HTTP Basic auth with the user from a setting, used in paths, queries and bodies',
    set(
      set(
        set(
          set(minimal(), 'settings', {
            account_sid: { description: 'the account', pattern: '^AC[0-9a-f]{32}$', example: 'AC0123', required: true },
          }),
          'auth',
          { scheme: 'basic', username: { setting: 'account_sid' } },
        ),
        'list.path',
        '/Accounts/{account_sid}/Keys.json',
      ),
      'create',
      {
        path: '/Accounts/{account_sid}/Keys.json',
        encoding: 'form',
        body: { FriendlyName: 'name', Account: { setting: 'account_sid' } },
        query: { a: { setting: 'account_sid' } },
        secret: 'secret',
      },
    ),
  ],
  [
    'an extra header from a setting',
    set(set(minimal(), 'settings', { org: { description: 'the org' } }), 'auth.extra_header', {
      name: 'X-Org',
      setting: 'org',
    }),
  ],
  [
    'offset pagination with a total',
    set(minimal(), 'list.pagination', {
      style: 'offset',
      offset_param: 'offset',
      page_size: { param: 'limit', max: 50 },
      total_items: 'total',
    }),
  ],
  [
    'a next URL in the answer',
    set(minimal(), 'list.pagination', {
      style: 'next_url',
      next: 'meta.next_page_uri',
      page_size: { param: 'PageSize', max: 1000 },
    }),
  ],
  [
    'page counting from the page size the answer states',
    set(minimal(), 'list.pagination', {
      style: 'page',
      page_param: 'page',
      total_items: 'meta.total',
      page_size_field: 'meta.limit',
    }),
  ],
  ['RFC 2822 times', set(minimal(), 'key_fields.created_at', { path: 'date_created', format: 'rfc2822' })],
  [
    'a list joined into one string, a time as unix ms',
    set(set(minimal(), 'capabilities', { scopes: true, expiry: true }), 'create.body', {
      scope: { option: 'scopes', join: ' ' },
      expiry: { option: 'expires_at', format: 'unix_ms' },
    }),
  ],
  [
    'credentials asked at create, in the body and a header',
    set(minimal(), 'create', {
      path: '/keys',
      body: { password: { credential: 'password' } },
      headers: { 'X-OTP': { credential: 'otp' } },
      credentials: {
        password: { description: 'the password', from_env: 'KEYWARDEN_MANIFEST_PASSWORD', prompt: 'Password' },
        otp: { description: 'a one-time password', from_env: 'KEYWARDEN_MANIFEST_OTP', required: false },
      },
      secret: ['token', 'data.token'],
      key: ['data', 'key'],
      secret_hint: { last: 4 },
    }),
  ],
  [
    'a native rotate',
    set(minimal(), 'rotate', {
      path: '/keys/{id}/reset',
      query: { expiry: { old_secret_expires: 'unix_ms' } },
      secret: 'token',
    }),
  ],
  ['one error field', set(minimal(), 'errors', { message: 'error' })],
  ['error fields and a code', set(minimal(), 'errors', { message: ['a.b', 'c'], code: 'code' })],
  ['a $schema', set(minimal(), '$schema', './schema.json')],
];

/** Invalid manifests, each with the path a person should be pointed at. */
export const invalidVariants = (): [string, Record<string, unknown>, string][] => [
  ['unknown top-level field', set(minimal(), 'colour', 'blue'), 'colour'],
  ['unknown nested field', set(minimal(), 'list.pagnation', { style: 'none' }), 'list.pagnation'],
  ['missing required field', set(minimal(), 'key_fields', undefined), 'key_fields'],
  ['missing nested required field', set(minimal(), 'create.secret', undefined), 'create.secret'],
  ['wrong type', set(minimal(), 'name', 42), 'name'],
  ['wrong type of a list', set(minimal(), 'list', []), 'list'],
  ['bad enum', set(minimal(), 'list.pagination.style', 'pages'), 'list.pagination.style'],
  ['missing discriminator', set(minimal(), 'list.pagination', { page_param: 'p' }), 'list.pagination.style'],
  [
    'field of another style',
    set(minimal(), 'list.pagination', { style: 'none', page_param: 'page' }),
    'list.pagination.page_param',
  ],
  [
    'page style without its parameter',
    set(minimal(), 'list.pagination', { style: 'page' }),
    'list.pagination.page_param',
  ],
  ['bad auth scheme', set(minimal(), 'auth', { scheme: 'digest' }), 'auth.scheme'],
  [
    'a setting name that is not one',
    set(minimal(), 'settings', { 'Account SID': { description: 'x' } }),
    'settings["Account SID"]',
  ],
  ['a setting without a description', set(minimal(), 'settings', { org: {} }), 'settings.org.description'],
  [
    'a credential without its variable',
    set(minimal(), 'create.credentials', { password: { description: 'x' } }),
    'create.credentials.password.from_env',
  ],
  ['a key id in an unknown form', set(minimal(), 'revoke.body', { ids: { key_id: 'uuid' } }), 'revoke.body.ids.key_id'],
  ['an unknown body encoding', set(minimal(), 'create.encoding', 'xml'), 'create.encoding'],
  [
    'a join that is not text',
    set(minimal(), 'create.body', { scope: { option: 'scopes', join: 1 } }),
    'create.body.scope.join',
  ],
  ['a secret hint longer than a hint', set(minimal(), 'create.secret_hint', { last: 20 }), 'create.secret_hint.last'],
  ['header auth without header', set(minimal(), 'auth', { scheme: 'header' }), 'auth.header'],
  ['bad header name', set(minimal(), 'auth', { scheme: 'header', header: 'x api key' }), 'auth.header'],
  [
    'extra header with both forms',
    set(minimal(), 'auth.extra_header', { name: 'X-Org', value: 'a', from_env: 'KEYWARDEN_MANIFEST_B' }),
    'auth.extra_header.from_env',
  ],
  ['non-relative list path', set(minimal(), 'list.path', 'https://evil.example/keys'), 'list.path'],
  ['protocol-relative path', set(minimal(), 'create.path', '//evil.example/keys'), 'create.path'],
  ['path with a query', set(minimal(), 'list.path', '/keys?all=true'), 'list.path'],
  [
    'bad page size',
    set(minimal(), 'list.pagination', { style: 'link', page_size: { param: 'n', max: 0 } }),
    'list.pagination.page_size.max',
  ],
  [
    'page size not a whole number',
    set(minimal(), 'list.pagination', { style: 'link', page_size: { param: 'n', max: 2.5 } }),
    'list.pagination.page_size.max',
  ],
  [
    'bad time format',
    set(minimal(), 'key_fields.created_at', { path: 'created', format: 'epoch' }),
    'key_fields.created_at.format',
  ],
  ['time field of the wrong type', set(minimal(), 'key_fields.created_at', 12), 'key_fields.created_at'],
  [
    'status map to an unknown status',
    set(minimal(), 'key_fields.status', { path: 's', map: { on: 'enabled' } }),
    'key_fields.status.map.on',
  ],
  ['status map without path', set(minimal(), 'key_fields.status', { map: { on: 'active' } }), 'key_fields.status.path'],
  ['bad create option', set(minimal(), 'create.body', { label: 'title' }), 'create.body.label'],
  [
    'bad create option, long form',
    set(minimal(), 'create.body', { label: { option: 'title' } }),
    'create.body.label.option',
  ],
  ['empty field path', set(minimal(), 'key_fields.name', 'a..b'), 'key_fields.name'],
  ['bad body field name', set(minimal(), 'create.body', { 'a..b': 'name' }), 'create.body["a..b"]'],
  ['bad capability value', set(minimal(), 'capabilities', { scopes: 'yes' }), 'capabilities.scopes'],
  ['unknown capability', set(minimal(), 'capabilities', { rotation: true }), 'capabilities.rotation'],
  ['bad id', set(minimal(), 'id', 'Acme Cloud'), 'id'],
  ['unknown version', set(minimal(), 'manifest_version', 2), 'manifest_version'],
  ['empty error list', set(minimal(), 'errors', { message: [] }), 'errors.message'],
  ['bad error field in a list', set(minimal(), 'errors', { message: ['ok', 7] }), 'errors.message[1]'],
  ['not a URL scheme keywarden speaks', set(minimal(), 'base_url', 'ftp://api.tiny.example'), 'base_url'],
  ['a query value that is a list', set(minimal(), 'list.query', { filter: [1, 2] }), 'list.query.filter'],
  ['a display name with a control character', set(minimal(), 'name', 'Tiny\u001b[31m'), 'name'],
  [
    'a header value on two lines',
    set(minimal(), 'auth.extra_header', { name: 'X-Region', value: 'eu\r\nX-Other: 1' }),
    'auth.extra_header.value',
  ],
  ['the document is not an object', [] as unknown as Record<string, unknown>, ''],
];
