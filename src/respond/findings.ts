import type { Secret } from '../secrets/secret.js';

/** The secret scanners whose reports `keywarden respond` reads; `text` is one secret a line. */
export type Scanner = 'trufflehog' | 'ggshield' | 'gitleaks' | 'github' | 'text';

/**
 * What a report still shows of a leaked secret:
 * - `whole`: all of it;
 * - `partial`: what censoring or redaction kept: the first characters (`head`), the last ones (`tail`, empty when
 *   only a head is kept, as gitleaks --redact=N does) and the secret's length in characters (code points) when the
 *   report tells it (ggshield's censoring keeps the length; gitleaks does not);
 * - `hidden`: no part of it (gitleaks --redact, GitHub's hide_secret).
 */
export type Leaked =
  | { kind: 'whole'; secret: Secret }
  | { kind: 'partial'; head: Secret; tail: Secret; length: number | null }
  | { kind: 'hidden' };

/** Where the report says the secret was found; null for what it does not say. Strings are as the report gave them. */
export interface Location {
  file: string | null;
  commit: string | null;
  /** 1-based */
  line: number | null;
  url: string | null;
}

export interface Finding {
  scanner: Scanner;
  /** the input's name as given ('-' for stdin) */
  source: string;
  /** 1-based position of the finding in its input */
  index: number;
  /** the scanner's rule or detector name */
  detector: string | null;
  /** true: the scanner found the secret live; false: it checked and did not; null: it did not say */
  verified: boolean | null;
  location: Location;
  leaked: Leaked;
}

/** What one reader makes of a finding; readFindings adds the scanner, the input and the position. */
export type Reported = Pick<Finding, 'detector' | 'verified' | 'location' | 'leaked'>;

export interface ReadResult {
  scanner: Scanner;
  findings: Finding[];
}
