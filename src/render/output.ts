import { ExitCode, KeywardenError } from '../errors.js';
import { Redactor } from '../secrets/redactor.js';
import type { Secret } from '../secrets/secret.js';
import { inert } from './inert.js';

/** The reader of stdout went away (`keywarden list | head -1`): the run stops at once, quietly, exit 0. */
export class OutputClosedError extends KeywardenError {
  constructor() {
    super('stdout was closed', ExitCode.ok);
  }
}

/** The longest line of a child's output shown as one message. */
const longestLine = 4096;

export interface WritableOutput {
  write(chunk: string, callback?: (error?: Error | null) => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OutputOptions {
  stdout: WritableOutput;
  stderr: WritableOutput;
  redactor: Redactor;
  /** under GitHub Actions every secret printed is first registered as a mask, so the runner hides it in the log */
  githubActions: boolean;
  /** called once when stdout's reader is gone */
  onStdoutClosed?: () => void;
  /** stdout goes nowhere (/dev/null): a secret revealed there would be lost, so it is not */
  stdoutDiscarded?: boolean;
}

/**
 * The one way bytes leave keywarden on stdout and stderr. Results go to stdout and messages to stderr, both
 * through the redactor; messages are also made inert, since they carry provider data and error text. A secret is
 * written only through `reveal`, which masks every other secret, registers the mask under GitHub Actions, and
 * prints each secret at most once.
 */
export class Output {
  private broken: NodeJS.ErrnoException | undefined;
  private readonly revealed = new Set<string>();
  /** the status line drawn on stderr now, if any */
  private shownStatus: string | undefined;
  private statusShown = false;
  /** whether status lines are drawn at all: a person at a terminal, prompts allowed, not CI */
  private showsStatus = false;
  /** cuts the status line to the terminal's width: by code points until the display-width measure has loaded */
  private cut = (text: string, width: number): string => Array.from(text).slice(0, width).join('');

  constructor(private readonly options: OutputOptions) {
    options.stdout.on?.('error', (error) => this.failed(error));
    // a closed stderr loses messages, never the run
    options.stderr.on?.('error', () => undefined);
  }

  /** Status lines are for a person watching a terminal: switched on once the run knows that is who is there. */
  enableStatus(enabled: boolean): void {
    this.showsStatus = enabled && this.options.stderr.isTTY === true;
    if (this.showsStatus) {
      void import('./width.js').then(({ truncateToWidth }) => {
        this.cut = truncateToWidth;
      });
    }
  }

  get drawsStatus(): boolean {
    return this.showsStatus;
  }

  /**
   * One line on stderr that the next replaces (progress, a countdown), undefined to clear it. Anything else written
   * clears it first and draws it again after, so it always sits below the output and never mixes into it.
   */
  status(text: string | undefined): void {
    if (!this.showsStatus) return;
    this.shownStatus = text === undefined ? undefined : inert(this.options.redactor.redact(text));
    this.drawStatus();
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.options.stderr.write('\r\u001b[2K');
    this.statusShown = false;
  }

  private drawStatus(): void {
    this.clearStatus();
    if (this.shownStatus === undefined) return;
    // cut to the terminal's width, so it stays one line that \r can go back over
    const columns = this.options.stderr.columns || 80;
    this.options.stderr.write(this.cut(this.shownStatus, columns - 1));
    this.statusShown = true;
  }

  /** The command's result on stdout; waits while the reader is behind, so streaming output keeps memory flat. */
  async result(text: string): Promise<void> {
    if (await this.toStdout(this.options.redactor.redact(text))) return;
    if (this.broken?.code === 'EPIPE') throw new OutputClosedError();
    throw new KeywardenError(`cannot write to stdout (${this.broken?.code ?? this.broken?.message})`);
  }

  /** One line for the person on stderr, with every registered secret masked and provider text made inert. */
  message(text: string): void {
    this.clearStatus();
    this.options.stderr.write(`${inert(this.options.redactor.redact(text))}\n`);
    this.drawStatus();
  }

  /**
   * Messages from a stream of chunks (what a --deliver command prints): masked across chunk boundaries, and one
   * message a line, prefixed.
   */
  messageLines(prefix: string): { push(chunk: string): void; end(): void } {
    const redacting = this.options.redactor.stream();
    let partial = '';
    const emit = (text: string, last: boolean): void => {
      const lines = (partial + text).split('\n');
      partial = last ? '' : lines.pop()!;
      // a line that never ends is shown in parts rather than held without bound
      if (partial.length > longestLine) {
        lines.push(partial.slice(0, longestLine));
        partial = partial.slice(longestLine);
      }
      for (const line of lines) if (line.trim() !== '') this.message(`${prefix}${line}`);
    };
    return { push: (chunk) => emit(redacting.push(chunk), false), end: () => emit(redacting.end(), true) };
  }

  /**
   * Text that holds a secret on purpose (the one-time box, --reveal): that secret alone is left as it is. Returns
   * false when it could not be written (stdout closed), so the caller can still get the secret to the person.
   */
  async reveal(text: string, secret: Secret, to: 'stdout' | 'stderr'): Promise<boolean> {
    const value = secret.expose();
    if (this.revealed.has(value)) return true;
    if (to === 'stdout' && this.options.stdoutDiscarded) return false;
    if (this.options.githubActions) this.options.stderr.write(`::add-mask::${value}\n`);
    const shown = this.options.redactor.redact(text, value);
    const written = to === 'stdout' ? await this.toStdout(shown) : this.toStderr(shown);
    if (written) this.revealed.add(value);
    return written;
  }

  private toStdout(text: string): Promise<boolean> {
    if (this.broken) return Promise.resolve(false);
    this.clearStatus();
    return new Promise((resolve) => {
      this.options.stdout.write(text, (error) => {
        if (error) this.failed(error);
        resolve(!error);
      });
      this.drawStatus();
    });
  }

  private toStderr(text: string): boolean {
    this.clearStatus();
    this.options.stderr.write(text);
    this.drawStatus();
    return true;
  }

  /** A failed write to stdout: its reader is gone (EPIPE), or the file it goes to cannot take more. */
  private failed(error: NodeJS.ErrnoException): void {
    if (this.broken) return;
    this.broken = error;
    if (error.code === 'EPIPE') this.options.onStdoutClosed?.();
  }
}
