import { ReportProblem } from './problem.js';

/** No scanner report nests this deep; one that does is hostile, and reading it could overflow the stack. */
export const maxNesting = 64;

/** One top-level JSON object or array of an input, and the line it starts on. */
export interface JsonValue {
  value: Record<string, unknown> | unknown[];
  line: number;
}

const quote = 0x22;
const backslash = 0x5c;
const newline = 0x0a;
const opening = new Set([0x5b, 0x7b]); // [ {
const closing = new Set([0x5d, 0x7d]); // ] }
const blank = new Set([0x20, 0x09, 0x0d, newline]);

/**
 * The JSON objects and arrays of a text, one after another: one document (ggshield, gitleaks), one a line
 * (TruffleHog's JSON lines) or several arrays run together (`gh api --paginate`). Each is found by one pass over the
 * text that counts brackets outside strings, so that each can be parsed on its own and a fault told by its line.
 * JSON.parse's own message quotes the text at the fault, which may be a secret: it is never passed on.
 */
export function jsonValues(text: string): JsonValue[] {
  const values: JsonValue[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (blank.has(c)) {
      if (c === newline) line++;
      i++;
      continue;
    }
    if (!opening.has(c)) throw new ReportProblem(`line ${line}: expected a JSON object or array`);
    const start = i;
    const startLine = line;
    let depth = 0;
    do {
      const d = text.charCodeAt(i);
      if (d === quote) {
        for (i++; i < text.length && text.charCodeAt(i) !== quote; i++) {
          const e = text.charCodeAt(i);
          if (e === backslash) i++;
          else if (e === newline) line++;
        }
      } else if (d === newline) {
        line++;
      } else if (opening.has(d)) {
        if (++depth > maxNesting)
          throw new ReportProblem(`the JSON on line ${line} nests deeper than ${maxNesting} levels`);
      } else if (closing.has(d)) {
        depth--;
      }
      i++;
    } while (depth > 0 && i < text.length);
    if (depth > 0) throw new ReportProblem(`the JSON that starts on line ${startLine} does not end`);
    values.push({ value: parsed(text.slice(start, i), startLine), line: startLine });
  }
  return values;
}

function parsed(text: string, line: number): JsonValue['value'] {
  try {
    return JSON.parse(text) as JsonValue['value'];
  } catch {
    throw new ReportProblem(
      `the JSON that starts on line ${line} is not valid JSON`,
      line === 1 ? 'plain text with one secret a line must not start with { or [' : undefined,
    );
  }
}
