// The baseline keywarden is compared with: what a shell script with curl and jq does. Fetches the DialNexa
// pages one after another and prints each key as a JSON line. Usage: node bench-sequential.mjs <base-url>
const [baseUrl] = process.argv.slice(2);
const headers = { authorization: `Bearer ${process.env.KEYWARDEN_TOKEN}` };

let totalPages = 1;
for (let page = 1; page <= totalPages; page++) {
  const response = await fetch(`${baseUrl}/api-keys?page=${page}&limit=100`, { headers });
  if (!response.ok) throw new Error(`page ${page}: HTTP ${response.status}`);
  const body = await response.json();
  totalPages = body.meta.totalPages;
  for (const key of body.data) process.stdout.write(`${JSON.stringify(key)}\n`);
}
