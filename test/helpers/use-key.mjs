// A --deliver command for tests: reads the new secret on stdin and uses it once against the sandbox, the way a
// service picking up a rotated key would. Usage: node use-key.mjs <url> <header> [prefix]
const [url, header, prefix = ''] = process.argv.slice(2);
let secret = '';
for await (const chunk of process.stdin) secret += chunk;
const response = await fetch(url, { headers: { [header]: `${prefix}${secret.trim()}` } });
process.exitCode = response.ok ? 0 : 1;
