import stringWidth from 'string-width';
import { graphemes, wrapWords } from './wrap.js';

/** The columns text takes on a terminal: wide (CJK) characters and emoji count two, colour codes none. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Text cut to at most `width` columns, ending in `…` where it was cut; never through a character or an emoji. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let kept = '';
  let used = 0;
  for (const segment of graphemes(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    kept += segment;
    used += w;
  }
  return `${kept}…`;
}

/** Text broken into lines of at most `width` columns at spaces; a word longer than a line is broken where it must be. */
export function wrapToWidth(text: string, width: number): string[] {
  return wrapWords(text, width, displayWidth);
}
