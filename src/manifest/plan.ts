import type { HttpClient, HttpRequest, HttpResponse } from '../http/client.js';
import type { CreateRequest, Provider, ProviderDefinition } from '../providers/types.js';
import type { Manifest, Pagination } from './types.js';

/** One request keywarden would send, as the HTTP client would be given it. */
export interface PlannedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RequestPlan {
  list: PlannedRequest & { pagination: { style: Pagination['style']; how: string }; page_size: { param: string; value: number } | null };
  create: PlannedRequest;
  revoke: PlannedRequest & { if_405: PlannedRequest | null };
}

export const placeholderToken = '<admin token>';

/** Thrown by the recording client once it holds the request it was waiting for: nothing goes on the wire. */
class Recorded extends Error {}

/**
 * An HttpClient that records requests instead of sending them. The plan runs the provider's real code, so what
 * it shows is exactly what would be sent. `answers` are given, in order, to the first requests (a 405 to show a
 * revoke's fallback); the request after them is recorded and ends the run.
 */
function recordingClient(answers: HttpResponse[] = []): { client: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const recorder = {
    async request(request: HttpRequest): Promise<HttpResponse> {
      sent.push(request);
      const answer = answers[sent.length - 1];
      if (answer) return answer;
      throw new Recorded();
    },
    async close(): Promise<void> {},
  };
  return { client: recorder as unknown as HttpClient, sent };
}

async function recorded(definition: ProviderDefinition, baseUrl: string, run: (provider: Provider) => Promise<unknown>, answers?: HttpResponse[]): Promise<PlannedRequest[]> {
  const { client, sent } = recordingClient(answers);
  const provider = definition.connect({ baseUrl, token: placeholderToken, http: client, now: () => new Date(), pageConcurrency: 1 });
  try {
    await run(provider);
  } catch (error) {
    if (!(error instanceof Recorded)) throw error;
  }
  return sent.map((r) => ({ method: r.method, url: r.url.href, headers: { ...r.headers }, ...(r.json === undefined ? {} : { body: r.json }) }));
}

/** How the listing walks its pages, in words, naming the manifest's parameters and fields. */
function paginationHow(pagination: Pagination): string {
  switch (pagination.style) {
    case 'page':
      return `page numbers in ${pagination.page_param}=${pagination.first_page ?? 1}, ${(pagination.first_page ?? 1) + 1}, ...; ${
        [pagination.total_pages, pagination.total_items].some(Boolean)
          ? `how many from ${[pagination.total_pages, pagination.total_items].filter(Boolean).join(' or ')}`
          : 'until a page comes back short'
      }`;
    case 'cursor':
      return `${pagination.cursor_param}=<${pagination.next_cursor} of the answer>${pagination.has_more ? ` while ${pagination.has_more} is true` : ' until it is empty'}`;
    case 'last_id':
      return `${pagination.cursor_param}=<id of the page's last key>${pagination.has_more ? ` while ${pagination.has_more} is true` : ' until a page is empty'}`;
    case 'link':
      return 'the URL of the Link header\'s rel="next", followed on the base URL\'s origin only';
    case 'none':
      return 'one request answers with every key';
  }
}

/**
 * The requests a manifest provider would send for its first list page, a sample create and a revoke of a sample
 * id, and none is sent.
 */
export async function requestPlan(manifest: Manifest, definition: ProviderDefinition, baseUrl: string, sample: { create: CreateRequest; revokeId: string }): Promise<RequestPlan> {
  const [list] = await recorded(definition, baseUrl, async (p) => {
    for await (const _ of p.listPages()) break;
  });
  const [create] = await recorded(definition, baseUrl, (p) => p.create(sample.create));
  const notAllowed: HttpResponse = { status: 405, headers: {}, text: '' };
  const [revoke, fallback] = await recorded(definition, baseUrl, (p) => p.revoke(sample.revokeId), manifest.revoke.fallback_method ? [notAllowed] : []);
  const { pagination } = manifest.list;
  const size = 'page_size' in pagination ? pagination.page_size : undefined;
  return {
    list: { ...list!, pagination: { style: pagination.style, how: paginationHow(pagination) }, page_size: size ? { param: size.param, value: size.max } : null },
    create: create!,
    revoke: { ...revoke!, if_405: fallback ?? null },
  };
}
