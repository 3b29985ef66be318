import type { Leaked } from '../findings.js';
import { hidden, partial, whole } from './leaked.js';

/** what ggshield's censor_string keeps in the middle of a secret: `+`, `-` and whitespace (`[^+\-\s]` become `*`) */
const keptInTheMiddle = /^[+\-\s]$/u;
const longestEnd = 60;

/**
 * A ggshield `match`, which without --show-secrets is censored (ggshield/core/filter.py, censor_string): the first
 * and last ceil(n/6) characters kept (at most 60 each), every other character but `+`, `-` and whitespace replaced
 * by `*`, the length unchanged; a secret of 1 to 3 characters keeps at most its last one. The report does not say
 * whether --show-secrets was given, so a match is taken for censored when its middle is what censoring leaves: `*`s,
 * with nothing else but `+`, `-` and whitespace. A real secret that looks like that is read as censored: less is
 * known of it, nothing wrong.
 */
export function ggshieldLeaked(match: string): Leaked {
  const chars = Array.from(match); // Python counts code points
  const n = chars.length;
  if (n <= 3) return chars.slice(0, Math.min(n, 2)).every((c) => c === '*') ? hidden() : whole(match);
  const end = Math.min(Math.ceil(n / 6), longestEnd);
  const middle = chars.slice(end, n - end);
  const censored = middle.includes('*') && middle.every((c) => c === '*' || keptInTheMiddle.test(c));
  if (!censored) return whole(match);
  return partial(chars.slice(0, end).join(''), chars.slice(n - end).join(''), n);
}
