import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manifestDefinition } from '../../src/manifest/definition.js';
import type { Manifest, Pagination } from '../../src/manifest/types.js';
import { ProviderError } from '../../src/providers/errors.js';
import { allKeys } from '../../src/providers/listing.js';
import { testHttpClient } from '../helpers/http.js';
import { minimal } from './corpus.js';

/**
 * The pagination styles the built-in manifests do not use, each against a small server: pages without totals,
 * totals in keys from a server that caps the page size, cursors without a has-more flag, and the loop guards.
 */

const ids = Array.from({ length: 10 }, (_, i) => `k${String(i + 1).padStart(2, '0')}`);
const cap = 3;
let server: Server;
let baseUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const q = url.searchParams;
    const size = Math.min(Number(q.get('n') ?? cap), cap);
    const page = (start: number) => ids.slice(start, start + size).map((id) => ({ id }));
    let body: unknown;
    if (url.pathname === '/paged') body = { items: page(Number(q.get('p') ?? 0) * size), total: ids.length };
    else if (url.pathname === '/cursor') {
      const start = Number(q.get('c') ?? 0);
      body = { items: page(start), next: start + size < ids.length ? String(start + size) : '' };
    } else if (url.pathname === '/last-id')
      body = { items: page(q.has('after') ? ids.indexOf(q.get('after')!) + 1 : 0) };
    else if (url.pathname === '/loop') body = { items: page(0), next: 'again' };
    else if (url.pathname === '/more') body = { items: page(0), more: true };
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { message: 'no route' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function list(path: string, pagination: Pagination): Promise<string[]> {
  const manifest = { ...minimal(), list: { path, items: 'items', pagination } } as unknown as Manifest;
  const provider = manifestDefinition(manifest).connect({
    baseUrl,
    token: 'token',
    http: testHttpClient(),
    now: () => new Date(),
    pageConcurrency: 4,
  });
  return allKeys(provider).then((keys) => keys.map((k) => k.id));
}

async function walked(path: string, pagination: Pagination): Promise<{ ids: string[]; requests: string[] }> {
  const before = requests.length;
  const found = await list(path, pagination);
  return { ids: found, requests: requests.slice(before) };
}

describe('pagination styles', () => {
  test('page numbers from 0, no total: pages until one comes back short', async () => {
    const result = await walked('/paged', { style: 'page', page_param: 'p', first_page: 0 });
    expect(result.ids).toEqual(ids);
    expect(result.requests).toEqual(['/paged?p=0', '/paged?p=1', '/paged?p=2', '/paged?p=3']);
  });

  test('a total in keys, from a server that gives fewer a page than asked for: no key is missed', async () => {
    const result = await walked('/paged', {
      style: 'page',
      page_param: 'p',
      first_page: 0,
      page_size: { param: 'n', max: 100 },
      total_items: 'total',
    });
    expect(result.ids).toEqual(ids);
    expect(result.requests).toHaveLength(4);
  });

  test('a cursor without a has-more flag: until the cursor is empty', async () => {
    const result = await walked('/cursor', { style: 'cursor', cursor_param: 'c', next_cursor: 'next' });
    expect(result.ids).toEqual(ids);
    expect(result.requests).toEqual(['/cursor', '/cursor?c=3', '/cursor?c=6', '/cursor?c=9']);
  });

  test('the last id as the cursor, without a has-more flag: until a page is empty', async () => {
    const result = await walked('/last-id', { style: 'last_id', cursor_param: 'after' });
    expect(result.ids).toEqual(ids);
    expect(result.requests).toEqual([
      '/last-id',
      '/last-id?after=k03',
      '/last-id?after=k06',
      '/last-id?after=k09',
      '/last-id?after=k10',
    ]);
  });

  test('a cursor that comes back again, with the same page, stops the listing instead of looping', async () => {
    const error = await list('/loop', { style: 'cursor', cursor_param: 'c', next_cursor: 'next' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toBe(
      'tiny: GET /loop: page 2 holds only keys already listed; stopping rather than looping',
    );
  });

  test('has_more true with no cursor is a bad response naming the field', async () => {
    const error = await list('/more', {
      style: 'cursor',
      cursor_param: 'c',
      next_cursor: 'next',
      has_more: 'more',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toBe(
      'tiny: GET /more: unexpected answer: next is not a cursor, since more says more pages follow',
    );
  });
});
