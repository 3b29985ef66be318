import stringWidth from 'string-width';

/** The columns text takes on a terminal: wide (CJK) characters and emoji count two, colour codes none. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Text cut to at most `width` columns, ending in `…` where it was cut; never through a character or an emoji. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width - 1) break;
    kept += segment;
    used += w;
  }
  return `${kept}…`;
}

/** Text broken into lines of at most `width` columns at spaces; a word longer than a line is broken where it must be. */
export function wrapToWidth(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const push = (word: string): void => {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      return;
    }
    if (line !== '') lines.push(line);
    line = '';
    // a word wider than the line fills lines of its own
    let part = '';
    for (const { segment } of graphemes.segment(word)) {
      if (displayWidth(part + segment) > width && part !== '') {
        lines.push(part);
        part = '';
      }
      part += segment;
    }
    line = part;
  };
  for (const word of text.split(' ')) push(word);
  lines.push(line);
  return lines;
}
