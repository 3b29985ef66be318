import { UsageError } from '../errors.js';

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The longest duration keywarden takes anywhere: past it, dates leave the calendar and timers overflow. */
export const longestDuration = 100 * 365 * unitMs.d;

export interface DurationBounds {
  /** at least this many milliseconds (default 0) */
  min?: number;
  /** at most this many (default 100 years) */
  max?: number;
}

/**
 * `30s`, `15m`, `12h`, `90d` (and `2w`, `500ms`) to milliseconds, within bounds; anything else is a usage error
 * naming the flag.
 */
export function parseDuration(text: string, flag = 'duration', bounds: DurationBounds = {}): number {
  const match = /^(\d{1,9})(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`${flag}: '${text}' is not a duration`, 'use a number and a unit: 30s, 15m, 12h, 90d');
  }
  const ms = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  const { min = 0, max = longestDuration } = bounds;
  if (ms < min || ms > max) {
    throw new UsageError(
      `${flag}: '${text}' is ${ms < min ? 'shorter' : 'longer'} than ${flag} allows`,
      `give a duration from ${formatDuration(min)} to ${formatDuration(max)}`,
    );
  }
  return ms;
}

const sizeUnits = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;

/** `512KB`, `8MB`, `1GB` or a number of bytes, within bounds; anything else is a usage error naming the flag. */
export function parseSize(text: string, flag: string, bounds: { min: number; max: number }): number {
  const match = /^(\d{1,10})\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  const bytes = match
    ? Number(match[1]) * sizeUnits[(match[2]?.toUpperCase() ?? 'B') as keyof typeof sizeUnits]
    : Number.NaN;
  if (!(bytes >= bounds.min && bytes <= bounds.max)) {
    throw new UsageError(
      `${flag}: '${text}' is not a size from ${bounds.min / 1024} KB to ${bounds.max / 1024 ** 3} GB`,
      'for example 512KB or 16MB',
    );
  }
  return bytes;
}

/** An ISO 8601 date or date-time; a date alone means midnight UTC. */
export function parseDate(text: string, flag = 'date'): Date {
  const trimmed = text.trim();
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed);
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  // Date rolls impossible days over (2030-02-30 becomes 2 March): refuse them instead
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!ok || Number.isNaN(date.getTime()) || !isCalendarDay(year, month, day)) {
    throw new UsageError(
      `${flag}: '${text}' is not an ISO 8601 date`,
      'for example 2025-01-31 or 2025-01-31T12:00:00Z',
    );
  }
  return date;
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The shortest exact form: 90d, 12h, 15m, 30s, 500ms. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= unitMs[unit] && ms % unitMs[unit] === 0) return `${ms / unitMs[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** "3 days ago", "in 5 hours", "just now": for people, in tables. */
export function relativeTime(iso: string, now: Date): string {
  const diff = new Date(iso).getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  const steps: [number, string][] = [
    [unitMs.m, 'minute'],
    [unitMs.h, 'hour'],
    [unitMs.d, 'day'],
    [30 * unitMs.d, 'month'],
    [365 * unitMs.d, 'year'],
  ];
  let [size, name] = steps[0]!;
  for (const [s, n] of steps) if (abs >= s * 0.95) [size, name] = [s, n];
  const count = Math.max(1, Math.round(abs / size));
  const phrase = `${count} ${name}${count === 1 ? '' : 's'}`;
  return diff < 0 ? `${phrase} ago` : `in ${phrase}`;
}
