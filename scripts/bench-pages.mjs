// The fastest plain script for a page-number API, as a person would write it: page 1 for the total, then the other
// pages 8 at a time, each key printed as a JSON line as its page arrives in order; no normalising.
// Usage: node bench-pages.mjs <DialNexa base URL>
const [baseUrl] = process.argv.slice(2);
const headers = { authorization: `Bearer ${process.env.KEYWARDEN_TOKEN}` };
const concurrency = 8;

async function page(number) {
  const response = await fetch(`${baseUrl}/api-keys?page=${number}&limit=100`, { headers });
  if (!response.ok) throw new Error(`page ${number}: HTTP ${response.status}`);
  return response.json();
}

const print = (body) => process.stdout.write(body.data.map((key) => `${JSON.stringify(key)}\n`).join(''));

const first = await page(1);
print(first);
const pending = new Map();
for (let next = 2, wanted = 2; wanted <= first.meta.totalPages; wanted++) {
  while (next <= first.meta.totalPages && pending.size < concurrency) pending.set(next, page(next++));
  print(await pending.get(wanted));
  pending.delete(wanted);
}
