import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { loadManifestProvider } from '../../src/manifest/index.js';
import { startAcme, type AcmeKey, type AcmeServer } from '../manifest/acme-server.js';
import { acmeExpectation } from './expectations.js';
import { providerConformance } from './suite.js';
import type { HeldKey, Target } from './target.js';

/** A provider keywarden has no adapter for, from its manifest alone, against the Acme test server. */

const manifest = fileURLToPath(new URL('../manifest/fixtures/acme.json', import.meta.url));
const org = 'org_conformance';
// below the 100 a page the manifest asks for, so a listing of the seeded keys takes several pages
const pageCap = 40;

function held(key: AcmeKey): HeldKey {
  return {
    id: key.id,
    secret: key.token,
    scopes: key.scopes === '' ? [] : key.scopes.split(','),
    environment: null,
    ipAllowlist: [],
    expiresAt: key.expires === null ? null : Date.parse(key.expires),
    owner: key.created_by.id,
  };
}

/** The Acme test server as a target: its keys are the server's own, in the form its API shows them. */
async function acmeTarget(): Promise<Target<AcmeKey>> {
  const token = `conformance-${Math.random().toString(36).slice(2)}`;
  const definition = await loadManifestProvider(manifest, { env: { KEYWARDEN_MANIFEST_ACME_ORG: org } });
  let server: AcmeServer | undefined;
  beforeAll(async () => {
    server = await startAcme({ token, org, keys: 230, pageCap });
  });
  afterAll(async () => server?.close());
  return {
    name: 'the Acme test server',
    definition,
    get baseUrl() {
      return server!.baseUrl;
    },
    token,
    settings: {},
    credentials: {},
    server: {
      keys: () => server!.keys,
      find: (id) => {
        const key = server!.keys.find((k) => k.id === id);
        return key && held(key);
      },
      requests: () => server!.requests.length,
      get unhandled() {
        return server!.unhandled;
      },
    },
  };
}

providerConformance(await acmeTarget(), acmeExpectation(pageCap));
