import { csvCell } from './inert.js';

/** One CSV field: empty for null, a list joined with `;`, every cell inert and quoted where needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return csvCell(value.join(';'));
  if (typeof value === 'string') return csvCell(value);
  if (typeof value === 'number' || typeof value === 'boolean') return csvCell(String(value));
  return csvCell(JSON.stringify(value));
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
