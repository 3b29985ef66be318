/**
 * Provider data (key names, ids, error text) and what --deliver commands print are shown inert: no control
 * character, escape sequence, bidirectional override or invisible character reaches a terminal, a spreadsheet or
 * a log as itself. Each is written as a visible escape instead (`\x1b`, `\u202e`), so the person still sees that
 * it was there.
 */

// Bidirectional embeddings, overrides and isolates; zero-width and invisible characters that can hide or reorder
// text. The zero-width joiner and non-joiner are not among them: emoji and several scripts need them.
const invisible = '\\u061c\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ufff9-\\ufffb';
// C0 and C1 controls and DEL, with or without the tab and line breaks
const unsafe = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${invisible}]`, 'g');
const unsafeBesideBreaks = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f${invisible}]`, 'g');
const unsafeInJson = new RegExp(`[\\u007f-\\u009f${invisible}]`, 'g');
const anyUnsafeInJson = new RegExp(`[\\u007f-\\u009f${invisible}]`);

const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(char: string): string {
  const short = named[char];
  if (short) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text, safe to show: every control, escape and invisible character as a visible escape. */
export function inert(text: string): string {
  return text.replace(unsafe, escape);
}

/** Like inert, but line breaks and tabs stay: for text keywarden lays out over several lines itself. */
export function inertKeepingBreaks(text: string): string {
  return text.replace(unsafeBesideBreaks, escape);
}

/**
 * JSON whose every string is inert on a terminal and in a log, with the same data: JSON.stringify already escapes
 * C0 controls, and this escapes the C1 controls, bidirectional and invisible characters it leaves raw.
 */
export function safeJson(value: unknown, indent?: number): string {
  return inertJson(JSON.stringify(value, null, indent));
}

/** Values as JSON lines, each inert as safeJson makes it: one pass over the batch, not one a value. */
export function safeJsonLines(values: readonly unknown[]): string {
  let text = '';
  for (const value of values) text += `${JSON.stringify(value)}\n`;
  return inertJson(text);
}

function inertJson(json: string): string {
  if (!anyUnsafeInJson.test(json)) return json;
  return json.replace(unsafeInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A field of tab-separated output: tabs, line breaks and backslashes escaped, so a value can never add a column or a row. */
export function tsvField(value: string): string {
  return inert(value.replace(/\\/g, '\\\\'));
}

/** Cells a spreadsheet would run as a formula (OWASP's list of leading characters). */
const formulaStart = /^[=+\-@\t\r]/;

/** A CSV cell: inert, a formula defused with a leading `'`, then quoted as RFC 4180 says where needed. */
export function csvCell(value: string): string {
  const text = formulaStart.test(value) ? `'${value}` : value;
  const shown = inert(text);
  return /[",]/.test(shown) ? `"${shown.replace(/"/g, '""')}"` : shown;
}
