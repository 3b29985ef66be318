import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export type OutputFormat = 'table' | 'json' | 'ndjson' | 'csv' | 'sarif' | 'markdown';

/** The -o format, checked against those the command offers. */
export function outputFormat<F extends OutputFormat>(ctx: Context, allowed: readonly F[]): F {
  const format = (ctx.globals.output ?? 'table') as F;
  if (!allowed.includes(format)) {
    throw new UsageError(`-o ${format}: not a format of this command`, `formats: ${allowed.join(', ')}`);
  }
  return format;
}
