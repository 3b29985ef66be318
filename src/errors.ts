/** keywarden's exit codes, as the README lists them; src/cli.ts is the one place that turns errors into them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  findings: 3,
  auth: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the person at the terminal: one line, an optional hint, an exit code. */
export class KeywardenError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends KeywardenError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class AuthError extends KeywardenError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.auth, hint);
  }
}

/** Ctrl-C, or a prompt the person cancelled. */
export class InterruptedError extends KeywardenError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

/** What went wrong with a file or a socket, in a word where Node gives one (ENOSPC), else its message. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** An error's message, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errno code of a failed system call, if it is one. */
export function codeOf(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}
