// The Twilio simulator behind Prism, checked against Twilio's own OpenAPI description (the 2010-04-01 API).
import { describe, expect, test } from 'vitest';
import { sandboxTwilioAccountSid } from '../../src/sandbox/twilio.js';
import { basic, behindPrism, expectEmpty, expectJson } from './harness.js';

const twilio = behindPrism('twilio');
const admin = () => ({ authorization: basic(sandboxTwilioAccountSid, twilio.sandbox.token) });
const account = () => twilio.sandbox.accounts.twilio;
const keys = `/2010-04-01/Accounts/${sandboxTwilioAccountSid}/Keys`;
const balance = `/2010-04-01/Accounts/${sandboxTwilioAccountSid}/Balance.json`;
/** A form-encoded POST, as Twilio takes them. */
const form = (headers: Record<string, string>, fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const keyAuth = (sid: string, secret: string) => ({ authorization: basic(sid, secret) });

interface Key {
  sid: string;
  friendly_name: string | null;
  date_created: string;
  date_updated: string;
}
interface Page {
  keys: Key[];
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  uri: string;
  page: number;
  page_size: number;
  start: number;
  end: number;
}
interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

const rfc2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

async function create(name: string): Promise<Key & { secret: string }> {
  return expectJson(await twilio.prism.fetch(`${keys}.json`, form(admin(), { FriendlyName: name })), 201);
}

describe('Twilio API keys through Prism', () => {
  test('the list pages newest first by following the relative next_page_uri until it is null; dates are RFC 2822', async () => {
    const seen: Key[] = [];
    const pages: Page[] = [];
    let uri: string | null = `${keys}.json?PageSize=20`;
    while (uri) {
      const page: Page = await expectJson<Page>(await twilio.prism.fetch(uri, { headers: admin() }), 200);
      pages.push(page);
      seen.push(...page.keys);
      uri = page.next_page_uri;
    }
    expect(pages.map((p) => [p.page, p.keys.length, p.start])).toEqual([
      [0, 20, 0],
      [1, 20, 20],
      [2, 5, 40],
    ]);
    expect(seen.map((k) => k.sid)).toEqual(
      account()
        .newestFirst()
        .map((k) => k.id),
    );
    expect(seen.every((k) => rfc2822.test(k.date_created) && rfc2822.test(k.date_updated))).toBe(true);
    expect(new Date(seen[0]!.date_created).getTime()).toBe(
      Math.floor(account().newestFirst()[0]!.createdAt / 1000) * 1000,
    );

    expect(pages[0]!.next_page_uri).toMatch(
      /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Keys\.json\?PageSize=20&Page=1&PageToken=PASK/,
    );
    // straight to the sandbox, a link is a path from its root, /twilio included, so it resolves as Twilio's does
    const direct = new URL(`${twilio.direct}${keys}.json?PageSize=20`);
    const firstDirect = await expectJson<Page>(await fetch(direct, { headers: admin() }), 200);
    expect(firstDirect.next_page_uri).toBe(`/twilio${pages[0]!.next_page_uri}`);
    const secondDirect = await expectJson<Page>(
      await fetch(new URL(firstDirect.next_page_uri!, direct), { headers: admin() }),
      200,
    );
    expect(secondDirect.keys).toEqual(pages[1]!.keys);

    const back = await expectJson<Page>(
      await twilio.prism.fetch(pages[2]!.previous_page_uri!, { headers: admin() }),
      200,
    );
    expect(back.keys.map((k) => k.sid)).toEqual(pages[1]!.keys.map((k) => k.sid));
    expect(pages[0]!.previous_page_uri).toBeNull();
    const defaults = await expectJson<Page>(await twilio.prism.fetch(`${keys}.json`, { headers: admin() }), 200);
    expect(defaults.page_size).toBe(50);
    expect(defaults.keys).toHaveLength(45);
  });

  test('create (form-encoded) shows the secret once; the key works as Basic SK:secret; the list shows no secret; delete (204) ends it', async () => {
    const created = await create('Billing worker');
    expect(created.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(created.secret).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(created.friendly_name).toBe('Billing worker');

    const asKey = keyAuth(created.sid, created.secret);
    const money = await expectJson<{ account_sid: string }>(await twilio.prism.fetch(balance, { headers: asKey }), 200);
    expect(money.account_sid).toBe(sandboxTwilioAccountSid);
    expect(account().find(created.sid)!.lastUsedAt).not.toBeNull();

    const listing = await (await twilio.prism.fetch(`${keys}.json?PageSize=1000`, { headers: admin() })).text();
    expect(listing).toContain(created.sid);
    expect(listing).not.toContain(created.secret);
    const fetched = await expectJson<Key>(
      await twilio.prism.fetch(`${keys}/${created.sid}.json`, { headers: admin() }),
      200,
    );
    const { secret, ...shown } = created;
    expect(secret).not.toBe('');
    expect(fetched).toEqual(shown);
    const rename = await twilio.prism.fetch(
      `${keys}/${created.sid}.json`,
      form(admin(), { FriendlyName: 'Billing worker (old)' }),
    );
    const renamed = await expectJson<Key>(rename, 200);
    expect(renamed.friendly_name).toBe('Billing worker (old)');

    await expectEmpty(
      await twilio.prism.fetch(`${keys}/${created.sid}.json`, { method: 'DELETE', headers: admin() }),
      204,
    );
    expect(account().find(created.sid)).toBeUndefined();
    await expectJson<TwilioError>(await twilio.prism.fetch(`${keys}/${created.sid}.json`, { headers: admin() }), 404);
    expect((await expectJson<TwilioError>(await twilio.prism.fetch(balance, { headers: asKey }), 401)).code).toBe(
      20003,
    );
  });

  test('a key may use the API but not manage keys (403)', async () => {
    const key = await create('reporting');
    const refused = await expectJson<TwilioError>(
      await twilio.prism.fetch(`${keys}.json`, { headers: keyAuth(key.sid, key.secret) }),
      403,
    );
    expect(refused.status).toBe(403);
  });

  test('errors as {code, message, more_info, status}: no or wrong credentials 401, an unknown key or account 404, a long name 400', async () => {
    const none = await fetch(`${twilio.direct}${keys}.json`);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const moreInfo = 'https://www.twilio.com/docs/errors/20003';
    expect(await expectJson<TwilioError>(none, 401)).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: moreInfo,
      status: 401,
    });
    await expectJson<TwilioError>(
      await twilio.prism.fetch(`${keys}.json`, { headers: keyAuth(sandboxTwilioAccountSid, 'wrong') }),
      401,
    );
    const unknown = `SK${'0'.repeat(32)}`;
    const gone = await expectJson<TwilioError>(
      await twilio.prism.fetch(`${keys}/${unknown}.json`, { method: 'DELETE', headers: admin() }),
      404,
    );
    expect(gone.code).toBe(20404);
    const elsewhere = `/2010-04-01/Accounts/AC${'1'.repeat(32)}/Keys.json`;
    await expectJson<TwilioError>(await twilio.prism.fetch(elsewhere, { headers: admin() }), 404);
    await expectJson<TwilioError>(
      await twilio.prism.fetch(`${keys}.json`, form(admin(), { FriendlyName: 'x'.repeat(65) })),
      400,
    );
  });

  test("Prism reported no violations of Twilio's description", async () => {
    expect(await twilio.prism.violations()).toEqual([]);
  });
});
