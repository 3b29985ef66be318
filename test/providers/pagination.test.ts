import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { cursorPages, numberedPages, type NumberedPage } from '../../src/providers/pagination.js';

/**
 * The page walkers ask for the next pages before they hand a page on, so the requests travel while the caller
 * handles the page it has: what the caller has been handed, at each request, shows it.
 */

const fail = (detail: string): ProviderError => new ProviderError('bad_response', 'test', 'GET /keys', detail);
const keysOf = (page: number, size: number) =>
  Array.from({ length: size }, (_, i) => ({ id: `k${String((page - 1) * size + i)}` }));

describe('numberedPages', () => {
  test('pages 2 to 1 + concurrency are asked for before page 1 is handed on, and each refill before its page', async () => {
    const handed: number[] = [];
    const asked: { page: number; handedBefore: number }[] = [];
    const fetchPage = (page: number): Promise<NumberedPage<{ id: string }>> => {
      asked.push({ page, handedBefore: handed.length });
      return Promise.resolve({ items: keysOf(page, 10), totalPages: 6 });
    };
    for await (const items of numberedPages(fetchPage, 3, fail)) handed.push(items.length);
    expect(handed).toEqual([10, 10, 10, 10, 10, 10]);
    expect(asked).toEqual([
      { page: 1, handedBefore: 0 },
      { page: 2, handedBefore: 0 },
      { page: 3, handedBefore: 0 },
      { page: 4, handedBefore: 0 },
      // page 2 arrived: page 5 is asked for before page 2 is handed on (one page handed so far)
      { page: 5, handedBefore: 1 },
      { page: 6, handedBefore: 2 },
    ]);
  });

  test('an answer that raises the total is walked to the end; an empty page ends it', async () => {
    const fetchPage = (page: number): Promise<NumberedPage<{ id: string }>> =>
      Promise.resolve({ items: page <= 4 ? keysOf(page, 5) : [], totalPages: page === 1 ? 2 : 9 });
    const ids: string[] = [];
    for await (const items of numberedPages(fetchPage, 2, fail)) ids.push(...items.map((k) => k.id));
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});

describe('cursorPages', () => {
  test('the next page is asked for before the current one is handed on', async () => {
    const handed: string[] = [];
    const asked: { cursor: string | undefined; handedBefore: number }[] = [];
    const fetchPage = (cursor: string | undefined) => {
      asked.push({ cursor, handedBefore: handed.length });
      const page = cursor === undefined ? 1 : Number(cursor);
      return Promise.resolve({ items: keysOf(page, 3), next: page < 3 ? String(page + 1) : null });
    };
    for await (const items of cursorPages(fetchPage, fail)) handed.push(items[0]!.id);
    expect(handed).toEqual(['k0', 'k3', 'k6']);
    expect(asked).toEqual([
      { cursor: undefined, handedBefore: 0 },
      { cursor: '2', handedBefore: 0 },
      { cursor: '3', handedBefore: 1 },
    ]);
  });
});
