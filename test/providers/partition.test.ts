import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { manifestDefinition } from '../../src/manifest/definition.js';
import type { Manifest } from '../../src/manifest/types.js';
import { allKeys } from '../../src/providers/listing.js';
import { builtinManifest } from '../../src/providers/registry.js';
import type { SimAccount, SimKey } from '../../src/sandbox/model.js';
import type { RequestRecord, Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { testHttpClient } from '../helpers/http.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/**
 * Dakota's listing, split by creation time and walked in parts at once, against the simulator: every key exactly
 * once and in the order the plain cursor walk gives, whatever the number of keys, the seconds they share, the page
 * size, or keys created and revoked while the listing runs.
 */

const token = `tok-${Math.random().toString(36).slice(2)}-admin`;
let sandbox: Sandbox;
let account: SimAccount;
/** what the simulator does as each request arrives, before it answers */
let onListRequest: ((record: RequestRecord) => void) | undefined;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    keys: 0,
    token,
    onRequest: (record) => {
      if (record.provider === 'dakota' && record.method === 'GET') onListRequest?.(record);
    },
  });
  account = sandbox.accounts.dakota;
});
afterAll(() => sandbox.close());
beforeEach(() => {
  onListRequest = undefined;
  account.keys.splice(0);
  sandbox.requests.splice(0);
});

const day = 86_400_000;
const now = Date.now();

/** Keys created at the given moments (ms), replacing the account's keys. */
function keysCreatedAt(moments: number[]): SimKey[] {
  account.keys.splice(0);
  const keys = moments.map((at) => {
    const key = account.create({ name: null });
    key.createdAt = at;
    return key;
  });
  return keys;
}

/** `count` keys spread over the last 400 days. */
function spreadKeys(count: number): SimKey[] {
  return keysCreatedAt(Array.from({ length: count }, (_, i) => now - day - Math.floor((i * 400 * day) / count)));
}

/** The built-in Dakota manifest, with another page size if given. */
function dakota(pageSize?: number): Manifest {
  const manifest = structuredClone(builtinManifest('dakota')!);
  if (pageSize !== undefined && manifest.list.pagination.style === 'last_id')
    manifest.list.pagination.page_size = { param: 'limit', max: pageSize };
  return manifest;
}

async function listed(concurrency: number, pageSize?: number): Promise<string[]> {
  const provider = manifestDefinition(dakota(pageSize)).connect({
    baseUrl: sandbox.baseUrl('dakota'),
    token,
    http: testHttpClient(),
    now: () => new Date(),
    pageConcurrency: concurrency,
  });
  return (await allKeys(provider)).map((key) => key.id);
}

/** What the simulator lists, newest first (by creation time, then id): the order of a plain walk. */
function newestFirst(keys: SimKey[]): string[] {
  return keys
    .slice()
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .map((key) => key.id);
}

const listRequests = (): string[] =>
  sandbox.requests.filter((r) => r.provider === 'dakota' && r.method === 'GET').map((r) => r.path);

describe('a Dakota listing in parts', () => {
  test.each([0, 1, 99, 100, 101, 10_000])('lists exactly every key of %i, in the provider order', async (count) => {
    const keys = spreadKeys(count);
    const ids = await listed(8);
    expect(ids).toEqual(newestFirst(keys));
    expect(new Set(ids).size).toBe(count);
  });

  test('splits 2,000 keys into parts by creation time, each part walked from its own range', async () => {
    spreadKeys(2_000);
    await listed(8);
    const ranges = listRequests()
      .map((path) => new URLSearchParams(path.split('?')[1]))
      .filter((query) => query.has('created_at_to'))
      .map((query) => `${query.get('created_at_from') ?? ''}..${query.get('created_at_to') ?? ''}`);
    // the first page and the oldest key, then eight parts, each a few pages
    expect(new Set(ranges.slice(0, 8)).size).toBe(8);
    expect(listRequests().length).toBeLessThan(2 + 20 + 8);
  });

  test('--concurrency 1 is the plain cursor walk: no filter, no count, page after page', async () => {
    const keys = spreadKeys(450);
    expect(await listed(1)).toEqual(newestFirst(keys));
    const paths = listRequests();
    expect(paths).toHaveLength(5);
    expect(paths.some((path) => /created_at_(from|to)=|sort_dir=asc/.test(path))).toBe(false);
    expect(paths.slice(1).every((path) => path.includes('starting_after='))).toBe(true);
  });

  test('keys sharing one creation second across a seam, more of them than a page holds, are listed once each', async () => {
    const keys = spreadKeys(1_000);
    await listed(8);
    // the seconds where two parts meet, from the walk over the same range
    const seams = listRequests()
      .map((path) => new URLSearchParams(path.split('?')[1]).get('created_at_from'))
      .filter((from): from is string => from !== null)
      .map((from) => Date.parse(from));
    expect(seams.length).toBeGreaterThan(2);
    const seam = seams[Math.floor(seams.length / 2)]!;
    // 250 keys in that second, at its very start (where both parts' bounds include it) and across its milliseconds
    const crowded = Array.from({ length: 250 }, (_, i) => {
      const key = account.create({ name: null });
      key.createdAt = seam + (i % 2 === 0 ? 0 : i);
      return key;
    });
    sandbox.requests.splice(0);
    const ids = await listed(8);
    expect(ids).toEqual(newestFirst([...keys, ...crowded]));
    const bounds = listRequests().map((path) => new URLSearchParams(path.split('?')[1]).get('created_at_to'));
    expect(bounds).toContain(new Date(seam).toISOString().replace('.000Z', 'Z'));
  });

  test('every key of one second, 1,000 of them, through the cursor', async () => {
    const second = Math.floor((now - 30 * day) / 1000) * 1000;
    const keys = keysCreatedAt([
      ...Array.from({ length: 1_000 }, (_, i) => second + (i % 1000)),
      ...Array.from({ length: 150 }, (_, i) => now - day - i * 1000),
    ]);
    expect(await listed(8)).toEqual(newestFirst(keys));
  });

  test('keys created and revoked while listing: none listed twice, none that stayed missed, none made up', async () => {
    const all = spreadKeys(3_600);
    // one key in six comes and goes: revoked (deleted, as Dakota does) two a request while the listing runs
    const passing = all.filter((_, i) => i % 6 === 0);
    const stable = all.filter((_, i) => i % 6 !== 0);
    const everThere = new Set(all.map((key) => key.id));
    let request = 0;
    onListRequest = () => {
      request++;
      for (const key of passing.splice(Math.floor(Math.random() * passing.length), 2)) account.remove(key.id);
      // and a key is made with each request: now, or anywhere in the range being listed
      const made = account.create({ name: null });
      made.createdAt = request % 2 === 0 ? Date.now() : now - Math.floor(Math.random() * 400 * day);
      everThere.add(made.id);
    };
    const ids = await listed(8);
    expect(request).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    const listedIds = new Set(ids);
    expect(stable.filter((key) => !listedIds.has(key.id))).toEqual([]);
    expect(ids.filter((id) => !everThere.has(id))).toEqual([]);
  });

  test('the same keys as --concurrency 1, through the command', async () => {
    spreadKeys(1_234);
    const env = { KEYWARDEN_TOKEN: token };
    const base = [
      '--provider',
      'dakota',
      '--base-url',
      sandbox.baseUrl('dakota'),
      'list',
      '--status',
      'all',
      '-o',
      'ndjson',
    ];
    const parts = await runCli(base, { env });
    const plain = await runCli(['--concurrency', '1', ...base], { env });
    expect(parts.code).toBe(0);
    expect(plain.code).toBe(0);
    const ids = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids(parts.stdout)).toHaveLength(1_234);
    expect(ids(parts.stdout)).toEqual(ids(plain.stdout));
  });

  test('property: random creation times and page sizes, the parts give what the plain walk gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        // seconds close together, so keys share seconds and parts meet inside crowds; milliseconds apart or equal
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 2, max: 8 }),
        async (times, pageSize, concurrency) => {
          const keys = keysCreatedAt(times.map(([second, ms]) => now - day - second * 1000 - ms));
          const plain = await listed(1, pageSize);
          expect(plain).toEqual(newestFirst(keys));
          expect(await listed(concurrency, pageSize)).toEqual(plain);
        },
      ),
      { numRuns: 60 },
    );
  });
});
