import { ProviderError } from './errors.js';

export interface NumberedPage<T> {
  items: T[];
  /** null when the provider does not say */
  totalPages: number | null;
}

/**
 * Page-number pagination: the first page tells how many there are; the rest are fetched `concurrency` at a time,
 * yielded in order. Without a total, pages are walked one by one until one comes back short.
 */
export async function* numberedPages<T>(fetchPage: (page: number) => Promise<NumberedPage<T>>, concurrency: number): AsyncIterable<T[]> {
  const first = await fetchPage(1);
  yield first.items;
  if (first.totalPages === null) {
    let previous = first;
    for (let page = 2; previous.items.length > 0 && previous.items.length >= first.items.length; page++) {
      previous = await fetchPage(page);
      yield previous.items;
    }
    return;
  }
  const total = first.totalPages;
  const inFlight = new Map<number, Promise<NumberedPage<T>>>();
  let next = 2;
  try {
    for (let page = 2; page <= total; page++) {
      while (next <= total && inFlight.size < Math.max(1, concurrency)) {
        const pending = fetchPage(next);
        pending.catch(() => undefined); // awaited below, in order; this only keeps an early failure from going unhandled
        inFlight.set(next++, pending);
      }
      const result = await inFlight.get(page)!;
      inFlight.delete(page);
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

/** Cursor pagination, page by page; a cursor that repeats or an empty page that promises more stops with an error. */
export async function* cursorPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  fail: (detail: string) => ProviderError,
): AsyncIterable<T[]> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (page.next === null) return;
    if (page.items.length === 0) throw fail('an empty page says more pages follow; stopping');
    if (seen.has(page.next)) throw fail(`the cursor ${page.next} came back a second time; stopping rather than looping`);
    seen.add(page.next);
    cursor = page.next;
  }
}
