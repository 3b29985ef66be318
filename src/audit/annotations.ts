import type { Finding } from './findings.js';
import type { ProfileError } from './report.js';

/**
 * GitHub Actions workflow commands (`::error title=...::message`), which the runner turns into annotations on the
 * run. High findings and profiles that failed are errors, the rest warnings. Escaped per the runner's rules: a
 * message can never end the command line early, and a property can never end its property.
 */
export function workflowAnnotations(findings: readonly Finding[], errors: readonly ProfileError[]): string[] {
  return [
    ...findings.map((f) =>
      command(
        f.severity === 'high' ? 'error' : 'warning',
        `keywarden ${f.rule} (${f.severity})`,
        `${f.profile} key ${f.key_id}${f.key_name === null ? '' : ` ${JSON.stringify(f.key_name)}`}: ${f.message}`,
      ),
    ),
    ...errors.map((e) => command('error', 'keywarden audit', `profile ${e.profile} was not audited: ${e.error}`)),
  ];
}

function command(level: 'error' | 'warning', title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
