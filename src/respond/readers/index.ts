import { UsageError } from '../../errors.js';
import { ShapeError } from '../../providers/shape.js';
import type { Finding, ReadResult, Reported, Scanner } from '../findings.js';
import { detectJsonReport, type JsonReport } from './detect.js';
import { readGgshield } from './ggshield.js';
import { readGitHub } from './github.js';
import { readGitleaks } from './gitleaks.js';
import { jsonValues } from './json-values.js';
import { ReportProblem } from './problem.js';
import { readText } from './text.js';
import { readTruffleHog } from './trufflehog.js';

/** The largest input read: far more than any scanner's report of one repository, far less than what hurts. */
export const maxInputBytes = 64 * 1024 * 1024;

/**
 * The findings of a secret scanner's report, whichever of the scanners it is, told by the content (not the name):
 * JSON (the first character that is not whitespace is `{` or `[`) must be a report of a known shape; anything else
 * is plain text, one secret a line. Every secret is wrapped in Secret as it is read. A report that cannot be read is
 * a UsageError (exit 2) naming the input and the place, never quoting what is there.
 */
export function readFindings(text: string, source: string): ReadResult {
  let read: { scanner: Scanner; reported: Reported[] };
  try {
    read = readReport(text, source);
  } catch (error) {
    const input = source === '-' ? 'stdin' : source;
    if (error instanceof ReportProblem) throw new UsageError(`${input}: ${error.message}`, error.hint);
    if (error instanceof ShapeError) throw new UsageError(`${input}: ${error.message}`);
    throw error;
  }
  const { scanner, reported } = read;
  const findings = reported.map(({ detector, verified, location, leaked }, i): Finding => ({
    scanner,
    source,
    index: i + 1,
    detector,
    verified,
    location,
    leaked,
  }));
  return { scanner, findings };
}

function readReport(text: string, source: string): { scanner: Scanner; reported: Reported[] } {
  // UTF-8 takes at least as many bytes as UTF-16 code units, so the length alone refuses most of what is too large
  if (text.length > maxInputBytes || Buffer.byteLength(text, 'utf8') > maxInputBytes)
    throw new ReportProblem(`larger than ${maxInputBytes / 1024 / 1024} MiB, more than keywarden reads of a report`);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!/^[ \t\r\n]*[[{]/.test(body)) return { scanner: 'text', reported: readText(body, source) };
  const report = detectJsonReport(jsonValues(body));
  return { scanner: report.scanner, reported: readJsonReport(report) };
}

function readJsonReport(report: JsonReport): Reported[] {
  switch (report.scanner) {
    case 'trufflehog':
      return readTruffleHog(report.entries);
    case 'ggshield':
      return readGgshield(report.document);
    case 'gitleaks':
      return readGitleaks(report.entries);
    case 'github':
      return readGitHub(report.entries);
  }
}
