import { ShapeError } from '../../providers/shape.js';

/** What a report that cannot be read is told with, when it is not JSON keywarden recognises. */
export const formatsHint =
  'keywarden reads TruffleHog --json, ggshield --json, gitleaks --report-format json, GitHub secret-scanning ' +
  'alerts (REST API), or plain text with one secret a line';

/**
 * A scanner report keywarden cannot read, told by where (a line, an entry, a JSON path) and what was expected, never
 * by what is there: the text around the fault may well be the secret.
 */
export class ReportProblem extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Reads one entry of a report; a field of the wrong kind in it is told with the entry's place. */
export function atEntry<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ShapeError) throw new ReportProblem(`${where}: ${error.message}`);
    throw error;
  }
}
