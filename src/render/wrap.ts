/**
 * Word wrapping with the measure of width given, so text keywarden writes itself (help, all ASCII) is wrapped without
 * loading string-width, whose tables take longer to load than the rest of the help.
 */

let segmenter: Intl.Segmenter | undefined;

/** The characters of a text as a person sees them (an emoji with its modifiers is one); made on first use, as ICU is slow to start. */
export function graphemes(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return [...segmenter.segment(text)].map((s) => s.segment);
}

/**
 * Text broken into lines of at most `width` at spaces; a word longer than a line is broken between the characters
 * `characters` finds (graphemes unless the text is known to be plain ASCII, where ICU's start-up is not worth paying).
 */
export function wrapWords(
  text: string,
  width: number,
  measure: (text: string) => number,
  characters: (word: string) => string[] = graphemes,
): string[] {
  const lines: string[] = [];
  let line = '';
  const push = (word: string): void => {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (measure(candidate) <= width) {
      line = candidate;
      return;
    }
    if (line !== '') lines.push(line);
    line = '';
    // a word wider than the line fills lines of its own
    let part = '';
    for (const segment of characters(word)) {
      if (measure(part + segment) > width && part !== '') {
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
