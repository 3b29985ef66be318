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
  list: PlannedRequest & {
    pagination: { style: Pagination['style']; how: string };
    page_size: { param: string; value: number } | null;
  };
  /** null where the provider has no create (or no revoke, or no native rotate) */
  create: PlannedRequest | null;
  revoke: (PlannedRequest & { if_405: PlannedRequest | null }) | null;
  rotate: PlannedRequest | null;
}

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

async function recorded(
  definition: ProviderDefinition,
  target: PlanTarget,
  run: (provider: Provider) => Promise<unknown>,
  answers?: HttpResponse[],
): Promise<PlannedRequest[]> {
  const { client, sent } = recordingClient(answers);
  const provider = definition.connect({
    baseUrl: target.baseUrl,
    token: target.token,
    settings: target.settings,
    http: client,
    now: () => new Date(),
    pageConcurrency: 1,
  });
  try {
    await run(provider);
  } catch (error) {
    if (!(error instanceof Recorded)) throw error;
  }
  return sent.map((r) => ({
    method: r.method,
    url: r.url.href,
    headers: { ...r.headers },
    ...(r.json === undefined ? {} : { body: r.json }),
    // a form body as its fields, name=value, so the plan reads as the server will
    ...(r.form === undefined ? {} : { body: r.form.map(([name, value]) => `${name}=${value}`).join('&') }),
  }));
}

/** Where the plan's requests would go, with what: stand-ins for the token and the profile's settings. */
export interface PlanTarget {
  baseUrl: string;
  token: string;
  settings: Record<string, string>;
}

/** How the listing walks its pages, in words, naming the manifest's parameters and fields. */
function paginationHow(pagination: Pagination): string {
  switch (pagination.style) {
    case 'offset':
      return `${pagination.offset_param}=0, then the number of keys read so far; ${pagination.total_items ? `until ${pagination.total_items}` : 'until a page comes back short'}`;
    case 'next_url':
      return `the URL at ${pagination.next} of the answer, followed on the base URL's origin only`;
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
export interface PlanSample {
  create: CreateRequest;
  credentials: Record<string, string>;
  keyId: string;
  oldSecretExpiresAt: Date;
}

export async function requestPlan(
  manifest: Manifest,
  definition: ProviderDefinition,
  target: PlanTarget,
  sample: PlanSample,
): Promise<RequestPlan> {
  const [list] = await recorded(definition, target, async (p) => {
    for await (const _ of p.listPages()) break;
  });
  const [create] = manifest.create
    ? await recorded(definition, target, (p) => p.create(sample.create, { credentials: sample.credentials }))
    : [];
  const notAllowed: HttpResponse = { status: 405, headers: {}, text: '' };
  const [revoke, fallback] = manifest.revoke
    ? await recorded(
        definition,
        target,
        (p) => p.revoke(sample.keyId),
        manifest.revoke.fallback_method ? [notAllowed] : [],
      )
    : [];
  const [rotate] = manifest.rotate
    ? await recorded(definition, target, (p) =>
        p.rotate!(sample.keyId, { credentials: sample.credentials, oldSecretExpiresAt: sample.oldSecretExpiresAt }),
      )
    : [];
  const { pagination } = manifest.list;
  const size = 'page_size' in pagination ? pagination.page_size : undefined;
  return {
    list: {
      ...list!,
      pagination: { style: pagination.style, how: paginationHow(pagination) },
      page_size: size ? { param: size.param, value: size.max } : null,
    },
    create: create ?? null,
    revoke: revoke ? { ...revoke, if_405: fallback ?? null } : null,
    rotate: rotate ?? null,
  };
}
