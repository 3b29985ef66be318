import { UsageError } from '../errors.js';
import { parseDate, parseDuration } from '../util/time.js';

/**
 * `audit --at`: the moment the audit measures every age, idle time and expiry to. An ISO 8601 date (midnight UTC)
 * or date-time, or a duration from now: `+30d` ahead, `-30d` back. Anything else is exit 2, one line.
 */
export function parseAt(text: string, now: Date): Date {
  const trimmed = text.trim();
  try {
    const relative = /^([+-])(.+)$/.exec(trimmed);
    if (relative) {
      const ms = parseDuration(relative[2]!, '--at');
      return new Date(now.getTime() + (relative[1] === '-' ? -ms : ms));
    }
    return parseDate(trimmed, '--at');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`--at: '${text}' is not a date`);
  }
}
