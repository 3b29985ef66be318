import type { Reported } from '../findings.js';
import { whole } from './leaked.js';

/** Plain text: one secret a line, surrounding whitespace (a CRLF's CR too) trimmed, blank lines skipped. */
export function readText(text: string, source: string): Reported[] {
  return text.split('\n').flatMap((line, i): Reported[] => {
    const secret = line.trim();
    if (secret === '') return [];
    const leaked = whole(secret);
    return [
      { detector: null, verified: null, location: { file: source, commit: null, line: i + 1, url: null }, leaked },
    ];
  });
}
