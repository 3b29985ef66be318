import type { Finding } from './findings.js';
import type { ProfileError } from './report.js';

/** GitHub shows this many annotations of each kind (error, warning) for a step, and drops the rest. */
export const annotationsPerKind = 10;

/**
 * GitHub Actions workflow commands (`::error title=...::message`), which the runner turns into annotations on the
 * run. Profiles that failed and high findings are errors, the rest warnings, the most severe first; since GitHub
 * keeps only ten of each kind, the rest are counted in one notice that points at the job summary. Escaped per the
 * runner's rules: a message can never end the command line early, and a property can never end its property.
 */
export function workflowAnnotations(findings: readonly Finding[], errors: readonly ProfileError[]): string[] {
  const annotate = (f: Finding): string =>
    command(
      f.severity === 'high' ? 'error' : 'warning',
      `keywarden ${f.rule} (${f.severity})`,
      `${f.profile} key ${f.key_id}${f.key_name === null ? '' : ` ${JSON.stringify(f.key_name)}`}: ${f.message}`,
    );
  const rank = { high: 0, medium: 1, low: 2 } as const;
  const bySeverity = [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
  const errorLines = [
    ...errors.map((e) => command('error', 'keywarden audit', `profile ${e.profile} was not audited: ${e.error}`)),
    ...bySeverity.filter((f) => f.severity === 'high').map(annotate),
  ];
  const warningLines = bySeverity.filter((f) => f.severity !== 'high').map(annotate);
  const shown = [...errorLines.slice(0, annotationsPerKind), ...warningLines.slice(0, annotationsPerKind)];
  const left = errorLines.length + warningLines.length - shown.length;
  if (left > 0) {
    shown.push(
      command(
        'notice',
        'keywarden audit',
        `${left} more finding${left === 1 ? ' is' : 's are'} not annotated (GitHub shows ${annotationsPerKind} of each kind); the job summary lists every finding`,
      ),
    );
  }
  return shown;
}

function command(level: 'error' | 'warning' | 'notice', title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
