import type { Leaked, Reported } from '../findings.js';
import type { Entry } from './detect.js';
import { hidden, partial, whole } from './leaked.js';
import { atEntry, ReportProblem } from './problem.js';
import { ReportObject } from './report-object.js';

/** gitleaks `--report-format json`: an array of findings, the secret in `Secret`. */
export function readGitleaks(entries: Entry[]): Reported[] {
  return entries.map(({ value, where }) =>
    atEntry(where, (): Reported => {
      const finding = ReportObject.at(value, '');
      const secret = finding.text('Secret');
      if (secret === null) throw new ReportProblem(`${where} has no Secret`);
      const leaked = gitleaksLeaked(secret);
      return {
        detector: finding.text('RuleID'),
        verified: null,
        location: {
          file: finding.text('File'),
          commit: finding.text('Commit'),
          line: finding.line('StartLine'),
          url: finding.text('Link'),
        },
        leaked,
      };
    }),
  );
}

/**
 * gitleaks' --redact (100%) writes "REDACTED"; --redact=N keeps the first (100-N)% of the secret's bytes and adds
 * "..." (report/finding.go, MaskSecret).
 */
function gitleaksLeaked(secret: string): Leaked {
  if (secret === 'REDACTED') return hidden();
  if (!secret.endsWith('...')) return whole(secret);
  const head = secret.slice(0, -'...'.length);
  return head === '' ? hidden() : partial(head, '', null);
}
