// npm run demo: starts the bundled sandbox, lists the keys of each simulated provider through the real CLI, stops.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/keywarden.js', import.meta.url));
const env = { ...process.env, KEYWARDEN_TOKEN: process.env.KEYWARDEN_TOKEN || 'sandbox-admin-token' };
const sandbox = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--keys', '6', '--seed', 'demo', '-o', 'json'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});

let first = '';
for await (const chunk of sandbox.stdout) {
  first += chunk;
  if (first.includes('\n')) break;
}
const { base_urls: baseUrls } = JSON.parse(first);

let failed = false;
for (const [provider, baseUrl] of Object.entries(baseUrls)) {
  const args = ['--provider', provider, '--base-url', baseUrl, 'list', '--status', 'all'];
  console.log(`\n$ keywarden ${args.join(' ')}`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { env, stdio: 'inherit' });
  failed ||= status !== 0;
}
sandbox.kill('SIGTERM');
process.exitCode = failed ? 1 : 0;
