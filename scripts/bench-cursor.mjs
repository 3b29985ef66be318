// The fastest plain script for a cursor API, as a person would write it: each page asks for the one after the last,
// each key printed as a JSON line as it arrives; no normalising. Usage: node bench-cursor.mjs dakota|cobo <base URL>
const [provider, baseUrl] = process.argv.slice(2);
const token = process.env.KEYWARDEN_TOKEN;
const apis = {
  dakota: {
    url: (cursor) => `${baseUrl}/api-keys?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
    headers: { 'x-api-key': token },
    keys: (body) => body.data,
    next: (body) => (body.meta.has_more_after ? body.data.at(-1).id : null),
  },
  cobo: {
    url: (cursor) => `${baseUrl}/api/v1/api-keys?limit=200${cursor ? `&after=${cursor}` : ''}`,
    headers: { 'x-api-key': token },
    keys: (body) => body.result,
    next: (body) => (body.meta.has_more ? body.meta.after : null),
  },
};
const api = apis[provider];

let cursor = null;
do {
  const response = await fetch(api.url(cursor), { headers: api.headers });
  if (!response.ok) throw new Error(`${provider}: HTTP ${response.status}`);
  const body = await response.json();
  process.stdout.write(
    api
      .keys(body)
      .map((key) => `${JSON.stringify(key)}\n`)
      .join(''),
  );
  cursor = api.next(body);
} while (cursor !== null);
