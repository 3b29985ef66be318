import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { SimProviderId } from '../../src/sandbox/model.js';

const script = fileURLToPath(new URL('./use-key.mjs', import.meta.url));

/** Where each simulator records the use of a key, and how the key is presented. */
const usage: Record<SimProviderId, { path: string; header: string; prefix: string }> = {
  dialnexa: { path: '/agents', header: 'authorization', prefix: 'Bearer ' },
  dakota: { path: '/customers', header: 'x-api-key', prefix: '' },
  edgedns: { path: '/dns/lookup', header: 'authorization', prefix: 'Bearer ' },
  cobo: { path: '/api/v1/wallets', header: 'x-api-key', prefix: '' },
};

/** A --deliver command that uses the delivered key once, so --verify-use sees it in use. */
export function deliverAndUse(sandbox: Sandbox, provider: SimProviderId): string {
  const { path, header, prefix } = usage[provider];
  return `'${process.execPath}' '${script}' '${sandbox.baseUrl(provider)}${path}' '${header}' '${prefix}'`;
}
