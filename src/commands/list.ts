import { choice, command, flag, text, type Input } from '../command-spec.js';
import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import type { Outcome } from '../outcome.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { uniquePages, withProfile } from '../providers/listing.js';
import type { Key } from '../providers/types.js';
import { keysView } from '../render/keys.js';
import { parseDate } from '../util/time.js';
import { forEachProfile } from './profiles-at-once.js';

const statuses = ['active', 'expired', 'revoked', 'all'] as const;
const sorts = ['created', 'name', 'last-used'] as const;

const options = {
  search: text('--search <text>', 'keys whose name contains the text, or whose id starts with it'),
  status: choice('--status <status>', 'active, expired, revoked or all (default: every key not revoked)', statuses),
  createdAfter: text('--created-after <date>', 'created on or after this ISO 8601 date'),
  createdBefore: text('--created-before <date>', 'created on or before this ISO 8601 date'),
  sort: choice('--sort <field>', 'created, name or last-used', sorts),
  allProfiles: flag('--all-profiles', 'every profile of the config file, queried at once'),
};

export type ListOptions = Input<{ options: typeof options }>;

export const listCommand = command({
  name: 'list',
  group: 'keys',
  summary: 'every key of the profile, all pages, normalised',
  description:
    'Lists every key of the profile (or of every profile), following every page. Without --status, revoked keys are left out. On a terminal it is a table that fits the window; in a pipe, one key a line, tab-separated.',
  options,
  examples: [
    { note: 'the keys of the current profile', command: 'keywarden list' },
    { note: 'every key, revoked ones too, newest first', command: 'keywarden list --status all --sort created' },
    {
      note: 'keys of one provider whose name holds "billing"',
      command: 'keywarden --provider edgedns list --search billing',
    },
    { note: 'every profile, as JSON', command: 'keywarden list --all-profiles -o json' },
  ],
  run: list,
});

/** Which keys the options keep; without --status, every key that is not revoked. */
export function keyFilter(options: ListOptions): (key: Key) => boolean {
  const status = options.status ?? 'live';
  const after = options.createdAfter ? parseDate(options.createdAfter, '--created-after').getTime() : undefined;
  const before = options.createdBefore ? parseDate(options.createdBefore, '--created-before').getTime() : undefined;
  const search = options.search?.toLowerCase();
  return (key) => {
    if (status === 'live' ? key.status === 'revoked' : status !== 'all' && key.status !== status) return false;
    if (after !== undefined || before !== undefined) {
      const created = key.created_at === null ? undefined : Date.parse(key.created_at);
      if (after !== undefined && (created === undefined || created < after)) return false;
      if (before !== undefined && (created === undefined || created > before)) return false;
    }
    if (search && !(key.name ?? '').toLowerCase().includes(search) && !key.id.toLowerCase().startsWith(search))
      return false;
    return true;
  };
}

const time = (iso: string | null): number => (iso === null ? -Infinity : Date.parse(iso));

export function keyOrder(sort: ListOptions['sort']): ((a: Key, b: Key) => number) | undefined {
  if (sort === undefined) return undefined;
  if (sort === 'created') return (a, b) => time(b.created_at) - time(a.created_at);
  if (sort === 'last-used') return (a, b) => time(b.last_used_at) - time(a.last_used_at);
  return (a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id);
}

/** list: every key of the profile(s), all pages, filtered, in the format asked for; streamed where nothing sorts them. */
async function list(ctx: Context, options: ListOptions): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json', 'ndjson', 'csv', 'cyclonedx'] as const);
  const keep = keyFilter(options);
  const order = keyOrder(options.sort);
  const profiles: Profile[] = options.allProfiles ? await allProfiles(ctx) : [await resolveProfile(ctx)];
  // a CycloneDX inventory is one document: every key is held for it
  const inventory = out.format === 'cyclonedx';
  const held: Key[] = [];
  const keys = out.records(keysView(profiles.length > 1), { stream: order === undefined && !inventory });
  const { outcome } = await forEachProfile(ctx, profiles, async (profile) => {
    const provider = await connect(ctx, profile);
    for await (const page of uniquePages(provider)) {
      const kept = page.map((record) => withProfile(profile.definition.id, profile.name, record)).filter(keep);
      if (order || inventory) held.push(...kept);
      else await keys.add(kept);
    }
  });
  if (inventory) {
    const { keyInventory } = await import('../render/cyclonedx.js');
    const { safeJson } = await import('../render/inert.js');
    const suppliers = new Map(profiles.map((p) => [p.name, p.definition.displayName]));
    const doc = keyInventory({
      keys: order ? held.sort(order) : held,
      now: ctx.now(),
      version: ctx.version,
      supplier: (key) => suppliers.get(key.profile) ?? key.provider,
    });
    await out.text(`${safeJson(doc, 2)}\n`);
    return outcome;
  }
  if (order) await keys.add(held.sort(order));
  await keys.end();
  return outcome;
}
