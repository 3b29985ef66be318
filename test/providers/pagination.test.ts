import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
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

describe('the next request goes out while the caller is busy with a page', () => {
  /** A server of `pages` cursor pages, on a thread of its own, that notes when each request arrives. */
  async function pageServer(pages: number) {
    const source = `
      const { createServer } = require('node:http');
      const { parentPort } = require('node:worker_threads');
      const arrived = [];
      const keys = (page) => Array.from({ length: 2 }, (_, i) => ({ id: 'k' + ((page - 1) * 2 + i) }));
      const server = createServer((req, res) => {
        arrived.push(performance.timeOrigin + performance.now());
        const page = Number(new URL(req.url, 'http://x').searchParams.get('page') || '1');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ items: keys(page), next: page < ${String(pages)} ? String(page + 1) : null }));
      });
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
      parentPort.on('message', () => { parentPort.postMessage(arrived); server.close(); });
    `;
    const worker = new Worker(source, { eval: true });
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    return {
      url: `http://127.0.0.1:${String(port)}`,
      arrivals: async (): Promise<number[]> => {
        const arrived = new Promise<number[]>((resolve) => worker.once('message', resolve));
        worker.postMessage('stop');
        const times = await arrived;
        await worker.terminate();
        return times;
      },
    };
  }

  test('each page asked for reaches the server before the caller is done with the page before it', async () => {
    const server = await pageServer(4);
    const client = new HttpClient({ timeoutMs: 5_000 });
    const busyUntil: number[] = [];
    try {
      const fetchPage = async (cursor: string | undefined) => {
        const answer = await client.request({ method: 'GET', url: new URL(`${server.url}/?page=${cursor ?? '1'}`) });
        return JSON.parse(answer.text) as { items: { id: string }[]; next: string | null };
      };
      for await (const items of cursorPages(fetchPage, fail)) {
        expect(items).toHaveLength(2);
        // a caller that holds the thread for a while with each page, as formatting thousands of keys does
        const until = performance.now() + 80;
        while (performance.now() < until);
        busyUntil.push(performance.timeOrigin + performance.now());
      }
    } finally {
      await client.close();
    }
    const arrived = await server.arrivals();
    expect(arrived).toHaveLength(4);
    // page 2 goes out on a second connection (the first one's answer is still being wound up when it is asked for),
    // whose handshake waits for the caller; from then on each request takes the connection that is free
    for (let page = 3; page <= 4; page++) expect(arrived[page - 1]!).toBeLessThan(busyUntil[page - 2]!);
  });
});
