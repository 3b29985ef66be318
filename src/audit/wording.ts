/** Durations and names as a person reads them in a finding's message. */

const units = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
] as const;

const plural = (count: number, unit: string): string => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A threshold, exactly: 90d is "90 days", 36h is "36 hours". */
export function span(ms: number): string {
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  return plural(ms, 'millisecond');
}

/** An elapsed time, rounded down to its largest whole unit: "120 days", "5 hours". */
export function elapsed(ms: number): string {
  for (const [unit, size] of units) if (ms >= size) return plural(Math.floor(ms / size), unit);
  return 'moments';
}

/**
 * An elapsed time that is past a limit, worded so it never reads as equal to the limit: 90 days and 3 hours past
 * a 90-day limit is "more than 90 days", not "90 days".
 */
export function beyond(ms: number, limit: number): string {
  const text = elapsed(ms);
  return text === span(limit) ? `more than ${text}` : text;
}

/** A time for a message, in UTC: "2025-06-04", or "2025-06-04 12:30 UTC" when it is not midnight. */
export function day(iso: string): string {
  const time = iso.slice(11, 16);
  return time === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time} UTC`;
}

/** A provider-supplied name inside a message: quoted, with any control character escaped, so it stays on one line. */
export function quoted(name: string): string {
  return JSON.stringify(name);
}
