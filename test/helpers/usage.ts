import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';

const script = fileURLToPath(new URL('./use-key.mjs', import.meta.url));

/**
 * Where each simulator records the use of a key, and how the key is presented; the simulators whose keys are used
 * otherwise (Twilio's as Basic auth with the key's SID, Mux's to sign playback tokens) have none here.
 */
const usage: Partial<Record<SandboxProviderId, { path: string; header: string; prefix: string }>> = {
  dialnexa: { path: '/agents', header: 'authorization', prefix: 'Bearer ' },
  dakota: { path: '/customers', header: 'x-api-key', prefix: '' },
  edgedns: { path: '/dns/lookup', header: 'authorization', prefix: 'Bearer ' },
  cobo: { path: '/api/v1/wallets', header: 'x-api-key', prefix: '' },
  npm: { path: '/-/whoami', header: 'authorization', prefix: 'Bearer ' },
  sendgrid: { path: '/v3/scopes', header: 'authorization', prefix: 'Bearer ' },
  vercel: { path: '/v5/user/tokens/current', header: 'authorization', prefix: 'Bearer ' },
  launchdarkly: { path: '/api/v2/', header: 'authorization', prefix: '' },
};

/** A --deliver command that uses the delivered key once, so --verify-use sees it in use. */
export function deliverAndUse(sandbox: Sandbox, provider: SandboxProviderId): string {
  const used = usage[provider];
  if (!used) throw new Error(`the ${provider} simulator has no endpoint a delivered key is used on`);
  const { path, header, prefix } = used;
  return `'${process.execPath}' '${script}' '${sandbox.baseUrl(provider)}${path}' '${header}' '${prefix}'`;
}
