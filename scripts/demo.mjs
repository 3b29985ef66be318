// npm run demo: starts the bundled sandbox, adds a profile for each built-in provider in a throwaway config, lists
// each provider's keys through the real CLI, and stops.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/keywarden.js', import.meta.url));
const token = process.env.KEYWARDEN_TOKEN || 'sandbox-admin-token';
const configDir = mkdtempSync(join(tmpdir(), 'keywarden-demo-'));
const env = { ...process.env, KEYWARDEN_TOKEN: token, KEYWARDEN_CONFIG_DIR: configDir };
const sandbox = spawn(
  process.execPath,
  [bin, 'sandbox', '--port', '0', '--keys', '6', '--seed', 'demo', '-o', 'json'],
  {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);

let first = '';
for await (const chunk of sandbox.stdout) {
  first += chunk;
  if (first.includes('\n')) break;
}
const { base_urls: baseUrls, settings } = JSON.parse(first);

const keywarden = (args, extraEnv = {}) =>
  spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, stdio: 'inherit' }).status;
let failed = false;
for (const [provider, baseUrl] of Object.entries(baseUrls)) {
  const sets = Object.entries(settings[provider] ?? {}).flatMap(([name, value]) => ['--set', `${name}=${value}`]);
  const add = ['profile', 'add', provider, '--provider', provider, '--base-url', baseUrl, ...sets];
  // Mux takes its token as an access token's id and secret; the sandbox takes any id
  const tokenEnv = provider === 'mux' ? { KEYWARDEN_TOKEN: `demo:${token}` } : {};
  const list = ['-p', provider, 'list', '--status', 'all'];
  console.log(`\n$ keywarden ${add.join(' ')}\n$ keywarden ${list.join(' ')}`);
  failed ||= keywarden(add) !== 0 || keywarden(list, tokenEnv) !== 0;
}
sandbox.kill('SIGTERM');
rmSync(configDir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
