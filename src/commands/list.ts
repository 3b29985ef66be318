import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { UsageError } from '../errors.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { uniquePages, withProfile } from '../providers/listing.js';
import type { Key } from '../providers/types.js';
import { keysView } from '../render/keys.js';
import { parseDate } from '../util/time.js';
import { forEachProfile } from './profiles-at-once.js';

export interface ListOptions {
  search?: string;
  status?: string;
  createdAfter?: string;
  createdBefore?: string;
  sort?: string;
  allProfiles?: boolean;
}

const statuses = ['active', 'expired', 'revoked', 'all'] as const;
const sorts = ['created', 'name', 'last-used'] as const;

/** Which keys the options keep; without --status, every key that is not revoked. */
export function keyFilter(options: ListOptions): (key: Key) => boolean {
  const status = options.status ?? 'live';
  if (options.status !== undefined && !(statuses as readonly string[]).includes(status)) {
    throw new UsageError(`--status: '${status}' is not one of ${statuses.join(', ')}`);
  }
  const after = options.createdAfter ? parseDate(options.createdAfter, '--created-after').getTime() : undefined;
  const before = options.createdBefore ? parseDate(options.createdBefore, '--created-before').getTime() : undefined;
  const search = options.search?.toLowerCase();
  return (key) => {
    if (status === 'live' ? key.status === 'revoked' : status !== 'all' && key.status !== status) return false;
    const created = key.created_at === null ? undefined : Date.parse(key.created_at);
    if (after !== undefined && (created === undefined || created < after)) return false;
    if (before !== undefined && (created === undefined || created > before)) return false;
    if (search && !(key.name ?? '').toLowerCase().includes(search) && !key.id.toLowerCase().startsWith(search)) return false;
    return true;
  };
}

const time = (iso: string | null): number => (iso === null ? -Infinity : Date.parse(iso));

export function keyOrder(sort: string | undefined): ((a: Key, b: Key) => number) | undefined {
  if (sort === undefined) return undefined;
  if (!(sorts as readonly string[]).includes(sort)) throw new UsageError(`--sort: '${sort}' is not one of ${sorts.join(', ')}`);
  if (sort === 'created') return (a, b) => time(b.created_at) - time(a.created_at);
  if (sort === 'last-used') return (a, b) => time(b.last_used_at) - time(a.last_used_at);
  return (a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id);
}

/** list: every key of the profile(s), all pages, filtered, in the format asked for; streamed where nothing sorts them. */
export async function run(ctx: Context, options: ListOptions): Promise<number> {
  const out = ctx.presenter(['table', 'json', 'ndjson', 'csv'] as const);
  const keep = keyFilter(options);
  const order = keyOrder(options.sort);
  const profiles: Profile[] = options.allProfiles ? await allProfiles(ctx) : [await resolveProfile(ctx)];
  const held: Key[] = [];
  const keys = out.records(keysView(profiles.length > 1), { stream: order === undefined });
  const { exitCode } = await forEachProfile(ctx, profiles, async (profile) => {
    const provider = await connect(ctx, profile);
    for await (const page of uniquePages(provider)) {
      const kept = page.map((record) => withProfile(profile.definition.id, profile.name, record)).filter(keep);
      if (order) held.push(...kept);
      else await keys.add(kept);
    }
  });
  if (order) await keys.add(held.sort(order));
  await keys.end();
  return exitCode;
}
