import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { UsageError } from '../errors.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { uniquePages, withProfile } from '../providers/listing.js';
import type { Key } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
import { safeJson, tsvField } from '../render/inert.js';
import { keyCsvHeader, keyCsvRow } from '../render/keys.js';
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

/** list: every key of the profile(s), all pages, filtered, in the format asked for. */
export async function run(ctx: Context, options: ListOptions): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json', 'ndjson', 'csv'] as const);
  const keep = keyFilter(options);
  const order = keyOrder(options.sort);
  const profiles: Profile[] = options.allProfiles ? await allProfiles(ctx) : [await resolveProfile(ctx)];
  const streaming = order === undefined && (format === 'ndjson' || format === 'csv');
  const held: Key[] = [];

  if (format === 'csv') await ctx.out(keyCsvHeader);
  const { exitCode } = await forEachProfile(ctx, profiles, async (profile) => {
    const provider = await connect(ctx, profile);
    for await (const page of uniquePages(provider)) {
      let lines = '';
      for (const record of page) {
        const key = withProfile(profile.definition.id, profile.name, record);
        if (!keep(key)) continue;
        if (!streaming) held.push(key);
        else lines += format === 'csv' ? keyCsvRow(key) : `${safeJson(key)}\n`;
      }
      if (lines) await ctx.out(lines);
    }
  });

  if (order) held.sort(order);
  if (format === 'json') await ctx.out(`${safeJson(held, 2)}\n`);
  else if (format === 'ndjson' && !streaming) for (const key of held) await ctx.out(`${safeJson(key)}\n`);
  else if (format === 'csv' && !streaming) for (const key of held) await ctx.out(keyCsvRow(key));
  else if (format === 'table') await printTable(ctx, held, profiles.length > 1);
  return exitCode;
}

async function printTable(ctx: Context, keys: Key[], showProfile: boolean): Promise<void> {
  if (!ctx.stdoutIsTerminal) {
    // not a terminal: one key a line, tab-separated, no header or colour (use -o json or csv for scripts)
    for (const k of keys) {
      const fields = [k.id, k.name ?? '', k.status, k.created_at ?? '', k.last_used_at ?? '', k.expires_at ?? ''];
      await ctx.out(`${(showProfile ? [k.profile, ...fields] : fields).map(tsvField).join('\t')}\n`);
    }
    return;
  }
  if (keys.length === 0) {
    ctx.note('no keys');
    return;
  }
  const { Terminal } = await import('../render/terminal.js');
  const term = new Terminal(ctx);
  const head = ['ID', 'NAME', 'STATUS', 'KEY', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES'];
  const rows = keys.map((k) => {
    const row = [
      k.id,
      k.name ?? term.dim('-'),
      term.status(k.status),
      k.prefix || k.hint ? `${k.prefix ?? ''}…${k.hint ?? ''}` : term.dim('-'),
      k.scopes.length > 0 ? k.scopes.join(',') : term.dim('-'),
      term.when(k.created_at),
      k.usage_tracked ? term.when(k.last_used_at, 'never') : term.dim('n/a'),
      term.when(k.expires_at, 'never'),
    ];
    return showProfile ? [k.profile, ...row] : row;
  });
  await ctx.out(term.table(showProfile ? ['PROFILE', ...head] : head, rows));
  const counts = keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k.status]: (acc[k.status] ?? 0) + 1 }), {});
  ctx.note(`${keys.length} key${keys.length === 1 ? '' : 's'} (${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')})`);
}
