import type { Key } from '../providers/types.js';
import { escapeHtml } from './html-text.js';

const dayMs = 86_400_000;

/** The age groups of the histogram, by days since creation; keys without a creation date are counted apart. */
export const ageBuckets: readonly { label: string; below: number }[] = [
  { label: 'under 30 days', below: 30 },
  { label: '30 to 89 days', below: 90 },
  { label: '90 to 179 days', below: 180 },
  { label: '180 to 364 days', below: 365 },
  { label: '1 year or more', below: Infinity },
];

export function ageCounts(keys: readonly Key[], now: Date): { counts: number[]; unknown: number } {
  const counts = ageBuckets.map(() => 0);
  let unknown = 0;
  for (const key of keys) {
    if (key.created_at === null) {
      unknown += 1;
      continue;
    }
    const days = (now.getTime() - Date.parse(key.created_at)) / dayMs;
    const bucket = ageBuckets.findIndex((b) => days < b.below);
    counts[bucket === -1 ? counts.length - 1 : bucket]! += 1;
  }
  return { counts, unknown };
}

/** Keys by age as bars, each labelled with its count, so the numbers read without the picture. */
export function ageHistogram(keys: readonly Key[], now: Date): string {
  const { counts, unknown } = ageCounts(keys, now);
  const width = 640;
  const height = 220;
  const top = 20;
  const base = 170;
  const slot = width / counts.length;
  const most = Math.max(1, ...counts);
  const bars = counts
    .map((count, i) => {
      const h = Math.round(((base - top) * count) / most);
      const x = Math.round(i * slot + slot * 0.15);
      const w = Math.round(slot * 0.7);
      const label = ageBuckets[i]!.label;
      return (
        `<g><title>${escapeHtml(`${label}: ${count} keys`)}</title>` +
        `<rect class="bar" data-bucket="${i}" x="${x}" y="${base - h}" width="${w}" height="${h}"></rect>` +
        `<text x="${x + w / 2}" y="${base - h - 6}" text-anchor="middle">${count}</text>` +
        `<text x="${x + w / 2}" y="${base + 18}" text-anchor="middle">${escapeHtml(label)}</text></g>`
      );
    })
    .join('');
  const note = unknown > 0 ? `<p class="meta">${unknown} keys have no creation date and are not drawn.</p>` : '';
  return (
    `<svg id="age-histogram" role="img" aria-labelledby="age-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title id="age-title">${escapeHtml(`Keys by age: ${counts.map((c, i) => `${ageBuckets[i]!.label} ${c}`).join(', ')}`)}</title>` +
    `<line class="axis" x1="0" y1="${base}" x2="${width}" y2="${base}"></line>${bars}</svg>${note}`
  );
}

/** How far ahead the expiry timeline looks. */
export const timelineDays = 180;

/**
 * Expiry dates on a line from today to 180 days ahead: each key a mark with its name and date as its title, the
 * ones already expired gathered at the left. The table beside it lists the same keys in words.
 */
export function expiryTimeline(keys: readonly Key[], now: Date): string {
  const width = 640;
  const height = 120;
  const left = 90;
  const right = width - 20;
  const axis = 70;
  const dated = keys.filter((key) => key.expires_at !== null);
  const end = now.getTime() + timelineDays * dayMs;
  const expired = dated.filter((key) => Date.parse(key.expires_at!) <= now.getTime());
  const upcoming = dated.filter((key) => {
    const at = Date.parse(key.expires_at!);
    return at > now.getTime() && at <= end;
  });
  const x = (iso: string): number =>
    Math.round(left + ((right - left) * (Date.parse(iso) - now.getTime())) / (end - now.getTime()));
  const ticks = [0, 30, 60, 90, 120, 150, 180]
    .map((d) => {
      const at = left + ((right - left) * d) / timelineDays;
      return `<line class="axis" x1="${at}" y1="${axis - 4}" x2="${at}" y2="${axis + 4}"></line><text x="${at}" y="${axis + 20}" text-anchor="middle">${d === 0 ? 'today' : `${d}d`}</text>`;
    })
    .join('');
  const marks = upcoming
    .map(
      (key, i) =>
        `<g><title>${escapeHtml(`${key.name ?? key.id} (${key.profile}): expires ${key.expires_at!.slice(0, 10)}`)}</title>` +
        `<circle class="upcoming" cx="${x(key.expires_at!)}" cy="${axis - 14 - (i % 3) * 12}" r="5"></circle></g>`,
    )
    .join('');
  const gone =
    expired.length > 0
      ? `<g><title>${escapeHtml(`${expired.length} keys expired and not revoked`)}</title><circle class="expired" cx="30" cy="${axis - 14}" r="7"></circle>` +
        `<text x="30" y="${axis + 20}" text-anchor="middle">expired: ${expired.length}</text></g>`
      : '';
  return (
    `<svg id="expiry-timeline" role="img" aria-labelledby="expiry-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title id="expiry-title">${escapeHtml(`Expiries: ${expired.length} expired, ${upcoming.length} within ${timelineDays} days`)}</title>` +
    `<line class="axis" x1="${left}" y1="${axis}" x2="${right}" y2="${axis}"></line>${ticks}${gone}${marks}</svg>`
  );
}
