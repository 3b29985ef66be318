// The SendGrid simulator behind Prism, checked against SendGrid's own OpenAPI description.
import { describe, expect, test } from 'vitest';
import { sendgridScopes } from '../../src/sandbox/model.js';
import { behindPrism, expectEmpty, expectJson, withJson } from './harness.js';

const sg = behindPrism('sendgrid');
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const admin = () => as(sg.sandbox.token);
const account = () => sg.sandbox.accounts.sendgrid;

interface Listed {
  result: { api_key_id: string; name: string }[];
}
interface Created {
  api_key: string;
  api_key_id: string;
  name: string;
  scopes: string[];
}
interface Errors {
  errors: { field: string | null; message: string }[];
}

describe('SendGrid API keys through Prism', () => {
  test('the list is one answer of every key, ids and names only, newest first; limit caps it', async () => {
    const { result } = await expectJson<Listed>(await sg.prism.fetch('/v3/api_keys', { headers: admin() }), 200);
    expect(result.map((k) => k.api_key_id)).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    expect(result.every((k) => Object.keys(k).sort().join() === 'api_key_id,name')).toBe(true);
    const capped = await expectJson<Listed>(await sg.prism.fetch('/v3/api_keys?limit=5', { headers: admin() }), 200);
    expect(capped.result).toEqual(result.slice(0, 5));
  });

  test('create shows the secret once; it works on /v3/scopes; the list and GET one show it nowhere; revoke deletes it', async () => {
    const created = await expectJson<Created>(
      await sg.prism.fetch('/v3/api_keys', withJson('POST', admin(), { name: 'CI mailer', scopes: ['mail.send'] })),
      201,
    );
    expect(created.api_key).toMatch(new RegExp(`^SG\\.${created.api_key_id.replace(/[-_]/g, '\\$&')}\\.[\\w-]{43}$`));
    expect(created.scopes).toEqual(['mail.send']);

    const scopes = await expectJson<{ scopes: string[] }>(
      await sg.prism.fetch('/v3/scopes', { headers: as(created.api_key) }),
      200,
    );
    expect(scopes.scopes).toEqual(['mail.send']);
    expect(account().find(created.api_key_id)!.lastUsedAt).not.toBeNull();

    const listing = await (await sg.prism.fetch('/v3/api_keys', { headers: admin() })).text();
    expect(listing).toContain(created.api_key_id);
    expect(listing).not.toContain(created.api_key);
    const one = await expectJson<{ result: { api_key_id: string; scopes: string[] }[] }>(
      await sg.prism.fetch(`/v3/api_keys/${created.api_key_id}`, { headers: admin() }),
      200,
    );
    expect(one.result).toEqual([{ api_key_id: created.api_key_id, name: 'CI mailer', scopes: ['mail.send'] }]);

    await expectEmpty(
      await sg.prism.fetch(`/v3/api_keys/${created.api_key_id}`, { method: 'DELETE', headers: admin() }),
      204,
    );
    expect(account().find(created.api_key_id)).toBeUndefined();
    const after = await expectJson<Listed>(await sg.prism.fetch('/v3/api_keys', { headers: admin() }), 200);
    expect(after.result.map((k) => k.api_key_id)).not.toContain(created.api_key_id);
    await expectJson<Errors>(await sg.prism.fetch('/v3/scopes', { headers: as(created.api_key) }), 401);
  });

  test('a key without scopes has Full Access; a key may manage keys only with the api_keys scopes', async () => {
    const full = await expectJson<Created>(
      await sg.prism.fetch('/v3/api_keys', withJson('POST', admin(), { name: 'Full' })),
      201,
    );
    expect(full.scopes).toEqual(sendgridScopes.full);
    const listed = await sg.prism.fetch('/v3/api_keys', { headers: as(full.api_key) });
    expect(listed.status).toBe(200);
    await listed.text();

    const mailOnly = account().create({ name: 'mail only', scopes: ['mail.send'] });
    const refused = await expectJson<Errors>(
      await sg.prism.fetch('/v3/api_keys', { headers: as(mailOnly.secret) }),
      403,
    );
    expect(refused.errors[0]!.message).toBe('access forbidden');
  });

  test("errors in SendGrid's shape: no or a wrong key 401, an unknown id 404, a create without a name 400", async () => {
    const none = await expectJson<Errors>(await fetch(`${sg.direct}/v3/api_keys`), 401);
    expect(none).toEqual({ errors: [{ field: null, message: 'authorization required' }] });
    await expectJson<Errors>(await sg.prism.fetch('/v3/api_keys', { headers: as('SG.not-a-key.at-all') }), 401);
    const unknown = '/v3/api_keys/NoSuchKey0000000000000';
    const missing = await expectJson<Errors>(
      await sg.prism.fetch(unknown, { method: 'DELETE', headers: admin() }),
      404,
    );
    expect(missing.errors[0]!.message).toMatch(/unable to find/);
    await expectJson<Errors>(await sg.prism.fetch(unknown, { headers: admin() }), 404);
    const nameless = await expectJson<Errors>(
      await sg.prism.fetch('/v3/api_keys', withJson('POST', admin(), { name: ' ' })),
      400,
    );
    expect(nameless.errors[0]!.field).toBe('name');
  });

  test("Prism reported no violations of SendGrid's description", async () => {
    expect(await sg.prism.violations()).toEqual([]);
  });
});
