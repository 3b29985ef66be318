import {
  clientRoot,
  header,
  intParam,
  iso,
  objectBody,
  route,
  type SimContext,
  type SimProvider,
  type SimRequest,
  type SimResponse,
} from './http.js';
import type { SimKey } from './model.js';

/** The sandbox's one organization: fixed, so a profile can name it. */
export const sandboxGithubOrg = 'keywarden-sandbox';

const prefix = '/github-org';
const docs = 'https://docs.github.com/rest/orgs/personal-access-tokens';
const defaultPerPage = 30;

/** The organization's members, by login, with their GitHub user ids. */
const members: Record<string, number> = {
  'kw-ana': 1_204_331,
  'kw-ben': 2_310_874,
  'kw-chidi': 3_188_205,
  'kw-dana': 4_092_617,
};

function failure(status: number, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { message, documentation_url: docs, status: String(status), ...extra } };
}

function invalid(field: string, message: string): SimResponse {
  return failure(422, 'Validation Failed', {
    errors: [{ resource: 'PersonalAccessToken', field, code: 'invalid', message }],
  });
}

function simpleUser(login: string): Record<string, unknown> {
  const id = members[login] ?? 9_000_001;
  const api = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

/** `scopes` holds `<kind>:<permission>:<access>`, e.g. `repository:contents:write`; GitHub groups them by kind. */
function permissionsOf(key: SimKey): Record<string, Record<string, string>> {
  const grouped: Record<string, Record<string, string>> = {};
  for (const scope of key.scopes) {
    const [kind, permission, access] = scope.split(':');
    if (kind && permission && access) (grouped[kind] ??= {})[permission] = access;
  }
  return grouped;
}

/** The token's own id (as GitHub's audit log names it), distinct from the grant's id, and fixed for the grant. */
const tokenIdOf = (key: SimKey): number => (Number(key.id) * 7_919) % 9_999_991;

function shown(key: SimKey, now: number): Record<string, unknown> {
  return {
    id: Number(key.id),
    owner: simpleUser(key.owner),
    repository_selection: Number(key.id) % 3 === 0 ? 'subset' : 'all',
    repositories_url: `https://api.github.com/organizations/161335/personal-access-tokens/${key.id}/repositories`,
    permissions: permissionsOf(key),
    access_granted_at: iso(key.createdAt),
    token_id: tokenIdOf(key),
    token_name: key.name ?? '',
    token_expired: key.expiresAt !== null && key.expiresAt <= now,
    token_expires_at: iso(key.expiresAt),
    token_last_used_at: iso(key.lastUsedAt),
  };
}

/** GitHub reads a token after `Bearer` or after `token`. */
function presented(req: SimRequest): string | undefined {
  const value = header(req.headers, 'authorization');
  const match = value === undefined ? null : /^(?:bearer|token)\s+(\S+)$/i.exec(value.trim());
  return match?.[1];
}

/**
 * GitHub fine-grained personal access tokens with access to an organization, from GitHub's OpenAPI description
 * (`@octokit/openapi` `generated/api.github.com.json`): `GET /orgs/{org}/personal-access-tokens` (a bare array of grants,
 * newest first, `per_page`/`page` with RFC 8288 `Link` headers), revoke in bulk (`POST` with
 * `{action: "revoke", pat_ids}`, 202 `{}`) or one at a time (`POST .../{pat_id}` with `{action: "revoke"}`, 204), and
 * `{message, documentation_url, status}` errors. There is no create: members make their tokens on GitHub.
 * Only a GitHub App (the admin token, as `Authorization: Bearer`) may manage grants; a token itself may use the
 * organization's resources, e.g. `GET /orgs/{org}/repos`, which makes that the usage endpoint. A revoked grant leaves
 * the list and its token loses access to the organization.
 */
export const githubOrgSim: SimProvider = {
  id: 'github-org',
  prefix,
  handle(req: SimRequest, sim: SimContext): SimResponse | undefined {
    const repos = route(req, 'GET', '/orgs/:org/repos');
    const list = route(req, 'GET', '/orgs/:org/personal-access-tokens');
    const revokeMany = route(req, 'POST', '/orgs/:org/personal-access-tokens');
    const revokeOne = route(req, 'POST', '/orgs/:org/personal-access-tokens/:patId');
    const matched = repos ?? list ?? revokeMany ?? revokeOne;
    if (!matched) return undefined;
    const token = presented(req);
    if (!token) return failure(401, 'Requires authentication');
    const now = sim.now();
    // a token whose grant was revoked is still a token, but no longer one of this organization's
    const revokedGrant = sim.account.keys.find((k) => k.secret === token && k.revokedAt !== null);
    const key = token === sim.token || revokedGrant ? undefined : sim.account.use(token);
    if (token !== sim.token && !key && !revokedGrant) return failure(401, 'Bad credentials');
    if (matched.org!.toLowerCase() !== sandboxGithubOrg) return failure(404, 'Not Found');
    if (repos)
      return revokedGrant
        ? failure(403, 'Resource not accessible by personal access token')
        : { status: 200, body: [] };
    if (token !== sim.token) return failure(403, 'Resource not accessible by personal access token');

    if (list) return listGrants(req, sim, now);
    const body = objectBody(req);
    if (body?.action !== 'revoke') return invalid('action', 'action must be "revoke"');
    if (revokeOne) {
      const grant = granted(sim, revokeOne.patId!);
      if (!grant) return failure(404, 'Not Found');
      grant.revokedAt = now;
      return { status: 204 };
    }
    const ids = body.pat_ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((id) => Number.isInteger(id))) {
      return invalid('pat_ids', 'pat_ids must be a list of 1 to 100 grant ids');
    }
    const grants = ids.map((id) => granted(sim, String(id)));
    if (grants.some((g) => g === undefined))
      return invalid('pat_ids', 'pat_ids holds an id that is not a current grant');
    for (const grant of grants) grant!.revokedAt = now;
    // GitHub revokes in the background; the answer is an empty object
    return { status: 202, body: {} };
  },
};

function granted(sim: SimContext, patId: string): SimKey | undefined {
  const key = sim.account.find(patId);
  return key && key.revokedAt === null ? key : undefined;
}

function listGrants(req: SimRequest, sim: SimContext, now: number): SimResponse {
  const { query } = req;
  const perPage = Math.min(intParam(query, 'per_page', 1, Number.MAX_SAFE_INTEGER) || defaultPerPage, 100);
  const page = intParam(query, 'page', 1, Number.MAX_SAFE_INTEGER) || 1;
  const direction = query.get('direction') ?? 'desc';
  const sort = query.get('sort') ?? 'created_at';
  if (direction !== 'asc' && direction !== 'desc') return invalid('direction', 'direction must be asc or desc');
  if (sort !== 'created_at') return invalid('sort', 'sort must be created_at');
  const owners = [...query.getAll('owner'), ...query.getAll('owner[]')];
  const tokenIds = [...query.getAll('token_id'), ...query.getAll('token_id[]')].map(Number);
  const before = query.get('last_used_before');
  const after = query.get('last_used_after');
  const beforeMs = before === null ? Infinity : Date.parse(before);
  const afterMs = after === null ? -Infinity : Date.parse(after);
  if (Number.isNaN(beforeMs) || Number.isNaN(afterMs)) {
    return invalid('last_used_before', 'last_used_before and last_used_after must be ISO 8601 times');
  }

  let grants = sim.account.newestFirst().filter((k) => k.revokedAt === null);
  if (owners.length > 0) grants = grants.filter((k) => owners.includes(k.owner));
  if (tokenIds.length > 0) grants = grants.filter((k) => tokenIds.includes(tokenIdOf(k)));
  if (before !== null || after !== null)
    grants = grants.filter((k) => k.lastUsedAt !== null && k.lastUsedAt < beforeMs && k.lastUsedAt > afterMs);
  if (direction === 'asc') grants.reverse();

  const pages = Math.max(1, Math.ceil(grants.length / perPage));
  const root = clientRoot(req, prefix);
  const url = new URL(`${root.origin}${root.path}/orgs/${sandboxGithubOrg}/personal-access-tokens`);
  for (const [name, value] of query) if (name !== 'page' && name !== 'per_page') url.searchParams.append(name, value);
  url.searchParams.set('per_page', String(perPage));
  const at = (n: number): string => {
    url.searchParams.set('page', String(n));
    return url.href;
  };
  const links = [
    ...(page < pages ? [`<${at(page + 1)}>; rel="next"`, `<${at(pages)}>; rel="last"`] : []),
    ...(page > 1 ? [`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`] : []),
  ];
  return {
    status: 200,
    headers: links.length > 0 ? { link: links.join(', ') } : {},
    body: grants.slice((page - 1) * perPage, page * perPage).map((k) => shown(k, now)),
  };
}
