import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maxPages } from '../../src/providers/pagination.js';
import { assertBuilt, repoRoot, runBin } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { startHostile, type HostileServer } from '../helpers/hostile-server.js';

/**
 * A provider that answers without bounds cannot make keywarden read without bounds: each case is one clean exit-1
 * line within the timeout, in well under 150 MB, measured on the built binary.
 */

let hostile: HostileServer;
const home = isolatedEnv({ KEYWARDEN_TOKEN: 'hostile-admin-token', KEYWARDEN_MANIFEST_ACME_ORG: 'org' });

beforeAll(async () => {
  assertBuilt();
  hostile = await startHostile();
});
afterAll(() => hostile.close());

/** Runs the binary against one misbehaviour; its exit code, stderr, wall time and peak memory. */
async function against(kind: string, provider: string, ...argv: string[]) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'kw-rss-')), 'max-rss');
  const path = provider === 'cobo' ? '' : provider.endsWith('.json') ? '/v2' : '/v1';
  const started = Date.now();
  const result = await runBin(
    ['--provider', provider, '--base-url', `${hostile.url}/${kind}${path}`, '--timeout', '5s', ...argv],
    {
      env: { ...home, KW_MAX_RSS_FILE: rssFile },
      nodeArgs: ['--import', join(repoRoot, 'test/helpers/max-rss.mjs')],
    },
  );
  return { ...result, ms: Date.now() - started, rss: Number(readFileSync(rssFile, 'utf8')) };
}

const megabytes = 1024 * 1024;

describe('answers without bounds', () => {
  test.each([
    [
      'a 100 MB body',
      'big',
      /^keywarden: dialnexa: GET \/api-keys: the answer is larger than 8 MB\nhint: if the provider really sends answers this large, raise the limit with --max-response\n$/,
    ],
    ['a body that never ends', 'endless', /^keywarden: dialnexa: GET \/api-keys: the answer is larger than 8 MB\n/],
    [
      'a byte every 2 seconds',
      'drip',
      /^keywarden: dialnexa: GET \/api-keys: no answer within 5s \(127\.0\.0\.1:\d+\)\n$/,
    ],
    ['an error nested 100,000 levels deep', 'deep', /^keywarden: dialnexa: GET \/api-keys: 400 Bad Request\n$/],
  ])('%s: exit 1 in one line, within the timeout, under 150 MB', async (_, kind, message) => {
    const { code, stdout, stderr, ms, rss } = await against(kind, 'dialnexa', 'list', '-o', 'ndjson');
    expect(stderr).toMatch(message);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(ms).toBeLessThan(9_000);
    expect(rss).toBeLessThan(150 * megabytes);
  });

  test('--max-response raises the limit, and takes only sizes from 1 KB to 1 GB', async () => {
    const raised = await against('big', 'dialnexa', '--max-response', '16MB', 'list');
    expect(raised.stderr).toContain('the answer is larger than 16 MB');
    const wrong = await against('big', 'dialnexa', '--max-response', '2TB', 'list');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.split('\n')[0]).toBe("keywarden: --max-response: '2TB' is not a size from 1 KB to 1 GB");
  });
});

describe('pages for ever', () => {
  test.each([
    ['page numbers with no total', 'pages', 'dialnexa'],
    ['a cursor that always promises more', 'cursor', 'cobo'],
    ['Link headers that always point on', 'link', join(repoRoot, 'test/manifest/fixtures/acme.json')],
  ])('%s: stops at the page limit with one line, exit 1', { timeout: 60_000 }, async (_, kind, provider) => {
    const before = hostile.requests.length;
    const { code, stderr, rss } = await against(kind, provider, 'list', '-o', 'ndjson');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`^keywarden: \\S+: GET \\S+: more than ${maxPages} pages; stopping rather than list forever\\n$`),
    );
    expect(hostile.requests.length - before).toBeLessThanOrEqual(maxPages + 1);
    expect(rss).toBeLessThan(150 * megabytes);
  });
});

describe('ids that would address another path', () => {
  test.each(['.', '..'])("a key whose id is '%s' is never revoked by a request to the path above it", async (id) => {
    const before = hostile.requests.filter((r) => r.startsWith('DELETE')).length;
    const { code, stdout, stderr } = await against('dots', 'dialnexa', 'revoke', `key ${id}`, '--yes');
    expect(code).toBe(1);
    expect(stdout).toBe(
      `failed\t${id}\tdialnexa: refusing DELETE /api-keys/{id} with the id '${id}', which would address another path\n`,
    );
    expect(stderr).toBe('keywarden: 1 of 1 revocations failed\n');
    expect(hostile.requests.filter((r) => r.startsWith('DELETE')).length).toBe(before);
  });
});
