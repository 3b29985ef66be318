// `list -o cyclonedx` and `audit -o cyclonedx` for every built-in provider, against its sandbox simulator: each
// document valid by the official CycloneDX 1.6 schema, and its components the keys `-o json` lists.
import { beforeAll, describe, expect, test } from 'vitest';
import { builtinIds } from '../../src/providers/builtin-ids.js';
import { builtinProvider } from '../../src/providers/registry.js';
import type { Key } from '../../src/providers/types.js';
import { bomStates, keyBomRef, keyInventory } from '../../src/render/cyclonedx.js';
import type { SandboxProviderId } from '../../src/sandbox/model.js';
import { tokenEnvName } from '../../src/secrets/keeper.js';
import { expectations } from '../conformance/expectations.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';
import { relatedCryptoMaterialEnums, validateCyclonedx } from './cyclonedx-schema.js';

interface Property {
  name: string;
  value?: string;
}
interface Component {
  type: string;
  'bom-ref': string;
  name: string;
  supplier: { name: string };
  cryptoProperties: {
    assetType: string;
    relatedCryptoMaterialProperties: {
      type: string;
      id: string;
      state: string;
      creationDate?: string;
      activationDate?: string;
      expirationDate?: string;
    };
  };
  properties: Property[];
}
interface Bom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    tools: { components: { type: string; name: string; version: string }[] };
    properties?: Property[];
  };
  components: Component[];
}
interface Finding {
  rule: string;
  severity: string;
  profile: string;
  key_id: string;
  message: string;
}

const now = new Date('2025-06-01T12:00:00.000Z');
const sandbox = useSandbox({ keys: 8, seed: 'cyclonedx', now: () => now.getTime() });
const providers = builtinIds() as SandboxProviderId[];
const home = isolatedEnv();
/** one profile per built-in provider, named after it, each with its admin token in the form the provider takes */
const env = (): Record<string, string | undefined> => ({
  ...home,
  ...Object.fromEntries(
    providers.map((p) => [tokenEnvName(p), (expectations[p].adminToken ?? ((t: string) => t))(sandbox.current.token)]),
  ),
});
const cli = (...argv: string[]) => runCli(argv, { env: env(), now: () => now });

beforeAll(async () => {
  for (const provider of providers) {
    const sets = Object.entries(expectations[provider].settings ?? {}).flatMap(([n, v]) => ['--set', `${n}=${v}`]);
    const base = ['--provider', provider, '--base-url', sandbox.current.baseUrl(provider)];
    const added = await cli(...base, 'profile', 'add', provider, ...sets);
    expect(added.stderr).toMatch(new RegExp(`^added profile ${provider} `));
    expect(added.code).toBe(0);
  }
});

async function json<T>(...argv: string[]): Promise<T> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(stderr.split('\n').filter((line) => line.startsWith('keywarden:'))).toEqual([]);
  expect(code, argv.join(' ')).toBe(0);
  return JSON.parse(stdout) as T;
}

/** The component a key must be, field by field, from its `-o json` record. */
function expectedComponent(key: Key): object {
  const dates = Object.fromEntries(
    [
      ['creationDate', key.created_at],
      ['activationDate', key.created_at],
      ['expirationDate', key.expires_at],
    ].filter(([, value]) => value !== null),
  );
  return {
    type: 'cryptographic-asset',
    'bom-ref': keyBomRef(key),
    name: key.name || key.id,
    supplier: { name: builtinProvider(key.provider)!.displayName },
    cryptoProperties: {
      assetType: 'related-crypto-material',
      relatedCryptoMaterialProperties: {
        type: 'token',
        id: key.id,
        state: key.status === 'active' ? 'active' : 'deactivated',
        ...dates,
      },
    },
  };
}

const property = (component: Component, name: string): string[] =>
  component.properties.filter((p) => p.name === name).map((p) => p.value!);

function expectKeywardenProperties(component: Component, key: Key): void {
  expect(property(component, 'keywarden:provider')).toEqual([key.provider]);
  expect(property(component, 'keywarden:profile')).toEqual([key.profile]);
  expect(property(component, 'keywarden:status')).toEqual([key.status]);
  expect(property(component, 'keywarden:prefix')).toEqual(key.prefix === null ? [] : [key.prefix]);
  expect(property(component, 'keywarden:scope')).toEqual(key.scopes);
  expect(property(component, 'keywarden:lastUsed')).toEqual(key.last_used_at === null ? [] : [key.last_used_at]);
  expect(property(component, 'keywarden:usageTracked')).toEqual([String(key.usage_tracked)]);
}

function expectDocument(bom: Bom): void {
  expect(validateCyclonedx(bom)).toEqual([]);
  expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 });
  expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(bom.metadata.timestamp).toBe(now.toISOString());
  expect(bom.metadata.tools.components).toEqual([{ type: 'application', name: 'keywarden', version: '0.0.0-test' }]);
  const refs = bom.components.map((c) => c['bom-ref']);
  expect(new Set(refs).size).toBe(refs.length);
}

describe('-o cyclonedx for every built-in provider', () => {
  test.each(providers)(
    '%s: list and audit are valid CycloneDX 1.6 holding the keys -o json lists',
    async (provider) => {
      const listed = await json<Key[]>('-p', provider, 'list', '--status', 'all', '-o', 'json');
      expect(listed.length).toBeGreaterThan(0);
      const bom = await json<Bom>('-p', provider, 'list', '--status', 'all', '-o', 'cyclonedx');
      expectDocument(bom);
      expect(bom.components.length).toBe(listed.length);
      listed.forEach((key, i) => {
        const component = bom.components[i]!;
        expect(component).toEqual({ ...expectedComponent(key), properties: expect.any(Array) });
        expectKeywardenProperties(component, key);
      });

      // the audit holds the keys that are not revoked, as list shows them by default, each with its findings
      const inService = await json<Key[]>('-p', provider, 'list', '-o', 'json');
      const audited = await json<{ findings: Finding[]; errors: unknown[] }>('-p', provider, 'audit', '-o', 'json');
      const report = await json<Bom>('-p', provider, 'audit', '-o', 'cyclonedx');
      expectDocument(report);
      expect(report.metadata.properties).toBeUndefined();
      expect(report.components.map((c) => c.cryptoProperties.relatedCryptoMaterialProperties.id).sort()).toEqual(
        inService.map((k) => k.id).sort(),
      );
      for (const key of inService) {
        const component = report.components.find((c) => c['bom-ref'] === keyBomRef(key))!;
        expect(component).toEqual({ ...expectedComponent(key), properties: expect.any(Array) });
        expectKeywardenProperties(component, key);
        const findings = audited.findings.filter((f) => f.key_id === key.id);
        expect(component.properties.filter((p) => p.name.startsWith('keywarden:finding:'))).toEqual(
          findings.flatMap((f) => [
            { name: `keywarden:finding:${f.rule}`, value: f.severity },
            { name: `keywarden:finding:${f.rule}:message`, value: f.message },
          ]),
        );
      }
      expect(
        report.components.flatMap((c) => c.properties).filter((p) => p.name.startsWith('keywarden:finding:')),
      ).toHaveLength(audited.findings.length * 2);
    },
  );

  test('--all-profiles: one document, every profile, a supplier per provider, every bom-ref unique', async () => {
    const listed = await json<Key[]>('list', '--all-profiles', '-o', 'json');
    const bom = await json<Bom>('list', '--all-profiles', '-o', 'cyclonedx');
    expectDocument(bom);
    expect(bom.components.map((c) => c['bom-ref'])).toEqual(listed.map(keyBomRef));
    expect(new Set(bom.components.map((c) => c.supplier.name))).toEqual(
      new Set(providers.map((p) => builtinProvider(p)!.displayName)),
    );

    // not a trivial inventory: expired keys are there, deactivated, and the audit finds things
    expect(bom.components.some((c) => c.cryptoProperties.relatedCryptoMaterialProperties.state === 'deactivated')).toBe(
      true,
    );

    const report = await json<Bom>('audit', '--all-profiles', '-o', 'cyclonedx');
    expectDocument(report);
    expect(report.components.some((c) => c.properties.some((p) => p.name.startsWith('keywarden:finding:')))).toBe(true);
    expect(new Set(report.components.map((c) => property(c, 'keywarden:profile')[0]))).toEqual(new Set(providers));
  });

  test('--sort orders the components as it orders -o json', async () => {
    const listed = await json<Key[]>('-p', 'edgedns', 'list', '--sort', 'name', '-o', 'json');
    const bom = await json<Bom>('-p', 'edgedns', 'list', '--sort', 'name', '-o', 'cyclonedx');
    expect(bom.components.map((c) => c.cryptoProperties.relatedCryptoMaterialProperties.id)).toEqual(
      listed.map((k) => k.id),
    );
  });

  test('a profile that cannot be audited is a property of the document; the others are still in it', async () => {
    const broken = await runCli(['audit', '--all-profiles', '-o', 'cyclonedx'], {
      env: { ...env(), [tokenEnvName('dakota')]: 'not-the-token' },
      now: () => now,
    });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as Bom;
    expect(validateCyclonedx(report)).toEqual([]);
    expect(report.metadata.properties).toEqual([
      { name: 'keywarden:notAudited:dakota', value: expect.stringContaining('401') },
    ]);
    expect(report.components.some((c) => property(c, 'keywarden:profile')[0] === 'dakota')).toBe(false);
    expect(report.components.length).toBeGreaterThan(0);
  });
});

describe('what a provider says stays a JSON string', () => {
  const hostile = '<script>alert("x")</script> it\'s "quoted"\nsecond line \u001b[31mred\u001b[0m \u202eevil\u0085';

  test('a key named with markup, quotes, a newline, an ANSI escape and a bidi override parses back as itself', async () => {
    const key = sandbox.current.accounts.edgedns.create({ name: hostile, expiresAt: now.getTime() + 86_400_000 });
    for (const command of ['list', 'audit']) {
      const { code, stdout } = await cli('-p', 'edgedns', command, '-o', 'cyclonedx');
      expect(code).toBe(0);
      // nothing a terminal acts on, raw: the escapes are JSON escapes
      expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      const bom = JSON.parse(stdout) as Bom;
      expect(validateCyclonedx(bom)).toEqual([]);
      const component = bom.components.find((c) => c.cryptoProperties.relatedCryptoMaterialProperties.id === key.id)!;
      expect(component.name).toBe(hostile);
    }
  });
});

describe('the document builder', () => {
  test("keywarden's statuses map to the schema's key states, and an API key to a type the schema has", () => {
    const enums = relatedCryptoMaterialEnums();
    expect(enums.type).not.toContain('api-key');
    expect(enums.type).toContain('token');
    for (const state of Object.values(bomStates)) expect(enums.state).toContain(state);
    expect(bomStates).toEqual({ active: 'active', expired: 'deactivated', revoked: 'deactivated' });
  });

  test('a key with nothing but an id is a valid component without dates', () => {
    const key: Key = {
      provider: 'acme',
      profile: 'work: one/two',
      id: 'k/1?',
      name: null,
      status: 'revoked',
      created_at: null,
      last_used_at: null,
      expires_at: null,
      revoked_at: '2025-05-01T00:00:00.000Z',
      prefix: null,
      hint: null,
      environment: null,
      scopes: [],
      owner: null,
      ip_allowlist: null,
      usage_tracked: false,
    };
    const bom = keyInventory({ keys: [key], now, version: '1.2.3', supplier: () => 'Acme' }) as Bom;
    expect(validateCyclonedx(bom)).toEqual([]);
    const [component] = bom.components;
    expect(component).toMatchObject({
      name: 'k/1?',
      'bom-ref': 'keywarden:key:work%3A%20one%2Ftwo/k%2F1%3F',
      cryptoProperties: { relatedCryptoMaterialProperties: { type: 'token', id: 'k/1?', state: 'deactivated' } },
    });
    expect(Object.keys(component!.cryptoProperties.relatedCryptoMaterialProperties)).toEqual(['type', 'id', 'state']);
    expect(property(component!, 'keywarden:revokedAt')).toEqual(['2025-05-01T00:00:00.000Z']);
  });

  test('the schema catches what it should: a made-up state, a bare serial number', () => {
    const key = { ...sampleKey(), status: 'active' as const };
    const bom = keyInventory({ keys: [key], now, version: '1.2.3', supplier: () => 'Acme' }) as Bom;
    expect(validateCyclonedx(bom)).toEqual([]);
    const broken = structuredClone(bom);
    broken.components[0]!.cryptoProperties.relatedCryptoMaterialProperties.state = 'revoked';
    broken.serialNumber = 'not-a-urn';
    expect(validateCyclonedx(broken).length).toBeGreaterThanOrEqual(2);
  });
});

function sampleKey(): Key {
  return {
    provider: 'acme',
    profile: 'acme',
    id: 'k1',
    name: 'deploy',
    status: 'active',
    created_at: '2025-01-01T00:00:00.000Z',
    last_used_at: '2025-05-01T00:00:00.000Z',
    expires_at: '2026-01-01T00:00:00.000Z',
    revoked_at: null,
    prefix: 'ak_',
    hint: 'abcd',
    environment: 'live',
    scopes: ['read', 'write'],
    owner: 'u1',
    ip_allowlist: ['203.0.113.0/24'],
    usage_tracked: true,
  };
}
