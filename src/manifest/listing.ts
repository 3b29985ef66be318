import type { ApiCall, ProviderApi } from '../providers/api.js';
import { cursorPages, numberedPages } from '../providers/pagination.js';
import { ShapeError, type Fields } from '../providers/shape.js';
import type { KeyRecord } from '../providers/types.js';
import { nextLinkTarget, nextPageRequest, urlBelow, type PageRequest } from './link.js';
import { cursorAt, flag, optionalInteger, pageItems } from './read.js';
import type { ListSpec } from './types.js';

export interface Lister {
  api: ProviderApi;
  spec: ListSpec;
  baseUrl: string;
  pageConcurrency: number;
  readKey: (item: unknown, path: string) => KeyRecord;
}

interface Page {
  items: KeyRecord[];
  /** the answer's object, where totals and cursors are; undefined when the answer is the list itself */
  root: Fields | undefined;
}

/**
 * Every page of keys, walked the way the manifest's pagination says, through the shared walkers of
 * providers/pagination.ts and their guards against loops and runaway totals.
 */
export function listPages(lister: Lister): AsyncIterable<KeyRecord[]> {
  const { api, spec } = lister;
  const pagination = spec.pagination;
  const call: ApiCall = { method: spec.method ?? 'GET', path: spec.path };
  const fail = (detail: string) => api.fail('bad_response', call, detail);
  const sizeQuery = 'page_size' in pagination && pagination.page_size ? { [pagination.page_size.param]: pagination.page_size.max } : {};
  const query = { ...spec.query, ...sizeQuery };

  async function fetchPage<T>(request: Pick<ApiCall, 'path' | 'query'>, more: (page: Page, headers: Record<string, string>) => T): Promise<T & { items: KeyRecord[] }> {
    const answer = await api.call({ ...call, ...request });
    return api.read(answer, { ...call, path: request.path }, (body) => {
      const { root, list, base } = pageItems(body, spec.items);
      const page = { root, items: list.map((item, i) => lister.readKey(item, `${base}[${i}]`)) };
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
      // keys a page, for a total given in keys: what the server put on its first page, not what was asked for,
      // since a server that caps the page size lower would otherwise make keywarden stop early and miss keys
      let perPage: number | undefined;
      return numberedPages(
        (page) =>
          fetchPage({ path: spec.path, query: { ...query, [pagination.page_param]: page - 1 + first } }, ({ root, items }) => {
            perPage ??= items.length;
            const pages = optionalInteger(root, pagination.total_pages);
            const keys = optionalInteger(root, pagination.total_items);
            return { totalPages: pages ?? (keys === null ? null : Math.ceil(keys / Math.max(perPage, 1))) };
          }),
        lister.pageConcurrency,
        fail,
      );
    }

    case 'cursor':
      return cursorPages(
        (cursor) =>
          fetchPage({ path: spec.path, query: { ...query, [pagination.cursor_param]: cursor } }, ({ root }) => {
            if (pagination.has_more !== undefined && !flag(root, pagination.has_more)) return { next: null };
            const next = cursorAt(root, pagination.next_cursor);
            if (next === null && pagination.has_more !== undefined) throw new ShapeError(pagination.next_cursor, `a cursor, since ${pagination.has_more} says more pages follow`);
            return { next };
          }),
        fail,
      );

    case 'last_id':
      return cursorPages(
        (cursor) =>
          fetchPage({ path: spec.path, query: { ...query, [pagination.cursor_param]: cursor } }, ({ root, items }) => {
            const more = pagination.has_more === undefined ? items.length > 0 : flag(root, pagination.has_more);
            return { next: more && items.length > 0 ? items[items.length - 1]!.id : null };
          }),
        fail,
      );

    case 'link': {
      const firstPage: PageRequest = { path: spec.path, query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) };
      const pages = new Map<string, PageRequest>();
      return cursorPages(
        (cursor) => {
          const request = cursor === undefined ? firstPage : pages.get(cursor)!;
          return fetchPage(request, (_, headers) => {
            const target = nextLinkTarget(headers.link);
            if (target === undefined) return { next: null };
            const answered = urlBelow(lister.baseUrl, request);
            const next = nextPageRequest(api.provider, target, answered, lister.baseUrl);
            const key = urlBelow(lister.baseUrl, next).href;
            pages.set(key, next);
            return { next: key };
          });
        },
        fail,
      );
    }
  }
}
