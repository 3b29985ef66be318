import type { ApiCall, ProviderApi } from '../providers/api.js';
import { cursorPages, numberedPages } from '../providers/pagination.js';
import { partitionedPages, type CreationRange, type RangePage } from '../providers/partition.js';
import { ShapeError, type Fields } from '../providers/shape.js';
import type { KeyRecord } from '../providers/types.js';
import { countKeysRead } from '../util/heap.js';
import { nextLinkTarget, nextPageRequest, urlBelow, type PageRequest } from './link.js';
import { cursorAt, flag, optionalInteger, pageItems, rawAt, type KeyReader } from './read.js';
import type { ListSpec, PartitionSpec } from './types.js';

export interface Lister {
  api: ProviderApi;
  spec: ListSpec;
  baseUrl: string;
  /** the profile settings, for the path's placeholders and query values */
  settings: Record<string, string>;
  pageConcurrency: number;
  readKey: KeyReader;
  /** the time a key's expiry is compared with, taken once a page */
  now: () => Date;
}

interface Page {
  items: KeyRecord[];
  /** the answer's object, where totals and cursors are; undefined when the answer is the list itself */
  root: Fields | undefined;
}

/** The listing's query: constants, and values of profile settings. */
function listQuery(spec: ListSpec, settings: Record<string, string>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    const text = typeof value === 'object' ? settings[value.setting] : String(value);
    if (text !== undefined) query[name] = text;
  }
  return query;
}

/** A creation-time range as the partition's filter parameters, in whole seconds. */
function rangeQuery(partition: PartitionSpec, range: CreationRange): Record<string, string> {
  const time = (second: number): string =>
    partition.time_format === 'unix_seconds'
      ? String(second)
      : new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  const query: Record<string, string> = {};
  if (range.from !== undefined) query[partition.created_from] = time(range.from);
  if (range.to !== undefined) query[partition.created_to] = time(range.to);
  return query;
}

/**
 * Every page of keys, walked the way the manifest's pagination says, through the shared walkers of
 * providers/pagination.ts and their guards against loops and runaway totals.
 */
export function listPages(lister: Lister): AsyncIterable<KeyRecord[]> {
  const { api, spec, settings } = lister;
  const pagination = spec.pagination;
  const call: ApiCall = { method: spec.method ?? 'GET', path: spec.path, params: settings };
  const fail = (detail: string) => api.fail('bad_response', call, detail);
  const sizeQuery: Record<string, string> =
    'page_size' in pagination && pagination.page_size
      ? { [pagination.page_size.param]: String(pagination.page_size.max) }
      : {};
  const query = { ...listQuery(spec, settings), ...sizeQuery };

  async function fetchPage<T>(
    request: PageRequest,
    more: (page: Page, headers: Record<string, string>) => T,
  ): Promise<T & { items: KeyRecord[] }> {
    const answer = await api.call({ ...call, ...request });
    return api.read(answer, { ...call, path: request.path }, (body) => {
      const { root, list, base } = pageItems(body, spec.items);
      countKeysRead(list.length);
      const now = lister.now();
      const page = { root, items: list.map((item, i) => lister.readKey(item, `${base}[${i}]`, now)) };
      return { ...more(page, answer.headers), items: page.items };
    });
  }

  switch (pagination.style) {
    case 'none':
      return (async function* () {
        yield (await fetchPage({ path: spec.path, query }, () => ({}))).items;
      })();

    case 'page': {
      const first = pagination.first_page ?? 1;
      // keys a page, for a total given in keys: what the server says it put on a page, else what it put on its
      // first one, not what was asked for, since a server that caps the page size lower would otherwise make
      // keywarden stop early and miss keys
      let perPage: number | undefined;
      return numberedPages(
        (page) =>
          fetchPage(
            { path: spec.path, query: { ...query, [pagination.page_param]: String(page - 1 + first) } },
            ({ root, items }) => {
              perPage ??= optionalInteger(root, pagination.page_size_field) || items.length;
              const pages = optionalInteger(root, pagination.total_pages);
              const keys = optionalInteger(root, pagination.total_items);
              return { totalPages: pages ?? (keys === null ? null : Math.ceil(keys / Math.max(perPage, 1))) };
            },
          ),
        lister.pageConcurrency,
        fail,
      );
    }

    case 'offset': {
      // the offset of each page is the count of keys read so far: a page at a time, until the total or a short page
      let offset = 0;
      let full: number | undefined;
      return cursorPages(
        () =>
          fetchPage(
            { path: spec.path, query: { ...query, [pagination.offset_param]: String(offset) } },
            ({ root, items }) => {
              full ??= items.length;
              offset += items.length;
              const total = optionalInteger(root, pagination.total_items);
              const done = total !== null ? offset >= total : items.length === 0 || items.length < full;
              return { next: done ? null : String(offset) };
            },
          ),
        fail,
      );
    }

    case 'cursor':
    case 'last_id': {
      const cursorQuery = (cursor: string | undefined): Record<string, string> =>
        cursor === undefined ? {} : { [pagination.cursor_param]: cursor };
      const nextCursor = (root: Fields | undefined, items: KeyRecord[]): string | null => {
        if (pagination.style === 'last_id') {
          const more = pagination.has_more === undefined ? items.length > 0 : flag(root, pagination.has_more);
          return more && items.length > 0 ? items[items.length - 1]!.id : null;
        }
        if (pagination.has_more !== undefined && !flag(root, pagination.has_more)) return null;
        const next = cursorAt(root, pagination.next_cursor);
        if (next === null && pagination.has_more !== undefined)
          throw new ShapeError(pagination.next_cursor, `a cursor, since ${pagination.has_more} says more pages follow`);
        return next;
      };
      const partition = spec.partition;
      if (partition === undefined)
        return cursorPages(
          (cursor) =>
            fetchPage({ path: spec.path, query: { ...query, ...cursorQuery(cursor) } }, ({ root, items }) => ({
              next: nextCursor(root, items),
            })),
          fail,
        );
      return partitionedPages({
        page: (range, cursor) =>
          fetchPage(
            { path: spec.path, query: { ...query, ...rangeQuery(partition, range), ...cursorQuery(cursor) } },
            ({ root, items }): Omit<RangePage<KeyRecord>, 'items'> => ({
              next: nextCursor(root, items),
              total: optionalInteger(root, partition.total),
            }),
          ),
        oldest: async () => {
          const oneKey = 'page_size' in pagination && pagination.page_size ? { [pagination.page_size.param]: '1' } : {};
          const { items } = await fetchPage(
            { path: spec.path, query: { ...query, ...partition.oldest_first, ...oneKey } },
            () => ({}),
          );
          const oldest = items[0]?.created_at;
          return oldest == null ? null : Math.floor(Date.parse(oldest) / 1000);
        },
        pageSize: 'page_size' in pagination && pagination.page_size ? pagination.page_size.max : 1,
        concurrency: lister.pageConcurrency,
        fail,
      });
    }

    case 'next_url':
    case 'link': {
      // the next page's URL comes from the server: followed only on the base URL's origin and below its path
      const firstPage: PageRequest = { path: spec.path, query };
      const pages = new Map<string, PageRequest>();
      const nextTarget = (root: Fields | undefined, headers: Record<string, string>): string | undefined => {
        if (pagination.style === 'link') return nextLinkTarget(headers.link);
        const value = root === undefined ? undefined : rawAt(root, pagination.next);
        if (value === undefined || value === null || value === '') return undefined;
        if (typeof value !== 'string') throw new ShapeError(pagination.next, 'a URL');
        return value;
      };
      return cursorPages((cursor) => {
        const request = cursor === undefined ? firstPage : pages.get(cursor)!;
        return fetchPage(request, ({ root }, headers) => {
          const target = nextTarget(root, headers);
          if (target === undefined) return { next: null };
          const answered = urlBelow(lister.baseUrl, request, settings);
          const next = nextPageRequest(api.provider, target, answered, lister.baseUrl, pagination.style);
          const key = urlBelow(lister.baseUrl, next, settings).href;
          pages.set(key, next);
          return { next: key };
        });
      }, fail);
    }
  }
}
