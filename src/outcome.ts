import { ExitCode, KeywardenError } from './errors.js';

/**
 * How a command ended, which src/cli.ts alone turns into an exit code. A command that cannot go on throws a
 * KeywardenError instead (its exit code travels with it).
 */
export type Outcome =
  | { kind: 'done' }
  /** audit: a finding at or above --fail-on */
  | { kind: 'findings' }
  /** some of the work failed and was reported: a bulk revoke or rotation, a secret that could not be stored or shown */
  | { kind: 'partly-failed' }
  /** the person did not confirm */
  | { kind: 'declined' }
  /** doctor: a check failed */
  | { kind: 'unhealthy' }
  /** the input was refused, every problem with it already reported (providers validate) */
  | { kind: 'invalid' }
  /** with several profiles, those that failed, each already reported */
  | { kind: 'profiles-failed'; errors: readonly Error[]; every: boolean };

export const done: Outcome = { kind: 'done' };
export const partlyFailed: Outcome = { kind: 'partly-failed' };
export const declined: Outcome = { kind: 'declined' };

const codeOf = (error: Error): number => (error instanceof KeywardenError ? error.exitCode : ExitCode.failure);

/** The exit code an outcome ends the run with. */
export function exitCodeOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'done':
      return ExitCode.ok;
    case 'findings':
      return ExitCode.findings;
    case 'partly-failed':
    case 'declined':
    case 'unhealthy':
      return ExitCode.failure;
    case 'invalid':
      return ExitCode.usage;
    case 'profiles-failed': {
      // every profile failed the same way (say, all 401): that way's code; else a partial failure
      const codes = new Set(outcome.errors.map(codeOf));
      return outcome.every && codes.size === 1 ? [...codes][0]! : ExitCode.failure;
    }
  }
}
