import { inert } from '../render/inert.js';

/** Text for an HTML page: every control and invisible character shown as a visible escape, then markup escaped. */
export function escapeHtml(text: string): string {
  return inert(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** keywarden's own help text, whose `backticks` mark commands: escaped, with those spans as <code>. */
export function withCode(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}
