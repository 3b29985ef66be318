import { csvCell } from './inert.js';

/** One CSV field: empty for null, a list joined with `;`, every cell inert and quoted where needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  return csvCell(Array.isArray(value) ? value.join(';') : String(value));
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
