import { ProviderError } from './errors.js';

/**
 * More pages than any real key inventory needs (half a million keys and more at the page sizes providers allow): a
 * provider that claims or serves more is answering nonsense, and a listing stops rather than run on forever.
 */
export const maxPages = 5_000;

/**
 * A turn of the event loop, taken after asking for pages and before handing one on: the requests just made go out
 * then, rather than once the caller has handled the page. `npm run bench` measured each request of a cursor walk
 * answered about 2 ms sooner, on every page.
 */
export const sendRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface NumberedPage<T extends { id: string }> {
  items: T[];
  /** null when the provider does not say */
  totalPages: number | null;
}

/**
 * Page-number pagination: the first page tells how many there are; the rest are fetched `concurrency` at a time,
 * yielded in order. Without a total, pages are walked one by one until one comes back short.
 */
export async function* numberedPages<T extends { id: string }>(
  fetchPage: (page: number) => Promise<NumberedPage<T>>,
  concurrency: number,
  fail: (detail: string) => ProviderError,
): AsyncIterable<T[]> {
  const first = await fetchPage(1);
  const claimed = Math.max(first.totalPages ?? 0, 0);
  if (claimed > maxPages) throw fail(`the answer claims ${claimed} pages; refusing to walk more than ${maxPages}`);
  // a page made only of the previous page's keys means the provider ignores the page number: stop rather than
  // walk on forever (pages that merely overlap, as keys come and go, are fine)
  let previousIds = new Set(first.items.map((item) => item.id));
  const checkNew = (page: number, items: T[]): void => {
    if (items.length > 0 && items.every((item) => previousIds.has(item.id))) {
      throw fail(`page ${page} repeats page ${page - 1}; the provider seems to ignore page numbers`);
    }
    previousIds = new Set(items.map((item) => item.id));
  };
  const tooMany = (): ProviderError => fail(`more than ${maxPages} pages; stopping rather than list forever`);
  if (first.totalPages === null) {
    yield first.items;
    let previous = first;
    for (let page = 2; previous.items.length > 0 && previous.items.length >= first.items.length; page++) {
      if (page > maxPages) throw tooMany();
      previous = await fetchPage(page);
      checkNew(page, previous.items);
      yield previous.items;
    }
    return;
  }
  // keys created while we list push the last ones onto a page the first answer did not count: every answer may
  // raise the total, and the walk goes on to the highest total seen
  // the next pages are asked for before a page is handed on, so they travel while the caller handles it
  let total = first.totalPages;
  const inFlight = new Map<number, Promise<NumberedPage<T>>>();
  let next = 2;
  const askAhead = (): void => {
    while (next <= total && inFlight.size < Math.max(1, concurrency)) {
      const pending = fetchPage(next);
      pending.catch(() => undefined); // awaited below, in order; this only keeps an early failure from going unhandled
      inFlight.set(next++, pending);
    }
  };
  try {
    askAhead();
    await sendRequests();
    yield first.items;
    for (let page = 2; page <= total; page++) {
      const result = await inFlight.get(page)!;
      inFlight.delete(page);
      // an empty page is past the end, whatever the total said
      if (result.items.length === 0) return;
      checkNew(page, result.items);
      total = Math.max(total, result.totalPages ?? total);
      if (total > maxPages) throw tooMany();
      askAhead();
      await sendRequests();
      yield result.items;
    }
  } finally {
    inFlight.clear();
  }
}

export interface CursorPage<T> {
  items: T[];
  /** the cursor of the next page, or null at the end */
  next: string | null;
}

/**
 * Cursor pagination (and next links), page by page. A cursor that repeats, an empty page that promises more, a
 * page of nothing but keys already listed, or more pages than any inventory has, stops with an error rather than
 * loop.
 */
export async function* cursorPages<T extends { id: string }>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  fail: (detail: string) => ProviderError,
): AsyncIterable<T[]> {
  const cursors = new Set<string>();
  const listed = new Set<string>();
  // each next page is asked for as soon as its cursor is known, while the caller still handles this one
  const ask = (cursor: string | undefined): Promise<CursorPage<T>> => {
    const pending = fetchPage(cursor);
    pending.catch(() => undefined); // awaited below; this only keeps a failure the caller never awaits from going unhandled
    return pending;
  };
  let pending = ask(undefined);
  for (let page = 1; ; page++) {
    const { items, next } = await pending;
    if (items.length > 0 && items.every((item) => listed.has(item.id)))
      throw fail(`page ${page} holds only keys already listed; stopping rather than looping`);
    for (const item of items) listed.add(item.id);
    if (next !== null) {
      if (items.length === 0) throw fail('an empty page says more pages follow; stopping');
      if (cursors.has(next)) throw fail(`the cursor ${next} came back a second time; stopping rather than looping`);
      if (page >= maxPages) throw fail(`more than ${maxPages} pages; stopping rather than list forever`);
      cursors.add(next);
      pending = ask(next);
      await sendRequests();
    }
    yield items;
    if (next === null) return;
  }
}
