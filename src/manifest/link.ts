import { UsageError } from '../errors.js';

/**
 * RFC 8288 `Link` pagination: the URL of the next page comes from the server, so it is the one place a server
 * chooses where keywarden sends the admin token. It is followed only to the base URL's own origin and below its
 * path; anything else stops the listing.
 */

const linkValue = /<([^>]*)>((?:\s*;\s*[^;,="\s]+\s*(?:=\s*(?:"(?:[^"\\]|\\.)*"|[^;,"\s]*))?)*)/g;
const linkParam = /;\s*([^;,="\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,"\s]*))?/g;

/** The target of the link whose rel includes `next`, as written (maybe relative); undefined when there is none. */
export function nextLinkTarget(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const [, target, params] of header.matchAll(linkValue)) {
    for (const [, name, value] of (params ?? '').matchAll(linkParam)) {
      if (name!.toLowerCase() !== 'rel' || value === undefined) continue;
      const rels = value.replace(/^"|"$/g, '').trim().toLowerCase().split(/\s+/);
      if (rels.includes('next')) return target;
    }
  }
  return undefined;
}

export interface PageRequest {
  /** below the base URL, as ProviderApi takes it */
  path: string;
  query: Record<string, string>;
}

/** The URL ProviderApi builds for a path and query below a base URL (used to resolve relative links). */
export function urlBelow(baseUrl: string, request: PageRequest, params: Record<string, string> = {}): URL {
  const base = new URL(baseUrl);
  const path = request.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
  for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  return url;
}

/**
 * The next page's request, from a URL the server gave (a Link header's, or one in the answer) resolved against the
 * URL that answered. Refused, as a usage error naming `list.pagination`, when it leaves the base URL's origin or
 * path.
 */
export function nextPageRequest(
  provider: string,
  target: string,
  answered: URL,
  baseUrl: string,
  style: 'link' | 'next_url' = 'link',
): PageRequest {
  const base = new URL(baseUrl);
  const given = style === 'link' ? "the Link header's next page" : 'the next page the answer gives';
  let next: URL;
  try {
    next = new URL(target, answered);
  } catch {
    throw new UsageError(`${provider}: ${given} '${target}' is not a URL (list.pagination.style: ${style})`);
  }
  const refuse = (why: string): never => {
    throw new UsageError(
      `${provider}: ${given} is ${why}; stopping so the admin token is not sent there (list.pagination.style: ${style})`,
      'if the provider really serves its pages from there, make that the base URL (base_url, or --base-url)',
    );
  };
  if (next.origin !== base.origin) refuse(`on ${next.origin}, not on the base URL's ${base.origin}`);
  const basePath = base.pathname.replace(/\/+$/, '');
  if (next.pathname !== basePath && !next.pathname.startsWith(`${basePath}/`))
    refuse(`${next.pathname}, outside the base URL's path ${basePath || '/'}`);
  const path = next.pathname.slice(basePath.length) || '/';
  // ProviderApi appends the path to the base path; '//host' there would read as another host
  if (path.startsWith('//')) refuse(`${next.pathname}, whose path begins with '//'`);
  return { path, query: Object.fromEntries(next.searchParams) };
}
