import { join } from 'node:path';
import { platformDirs, type Dirs } from './config/paths.js';
import { UsageError } from './errors.js';
import type { RetryPolicy } from './http/retry.js';
import type { Interrupts } from './interrupts.js';
import { terminalPrompter, type Prompter } from './prompt.js';
import type { OutputFormat } from './render/format.js';
import type { Output } from './render/output.js';
import { Presenter, type Screen } from './render/present.js';
import { Progress } from './render/progress.js';
import type { Style } from './render/style.js';
import { childEnvironment } from './secrets/child-env.js';
import type { Redactor } from './secrets/redactor.js';
import type { SecretStore, StoreKind } from './secrets/store.js';
import { Services } from './services.js';
import type { GlobalOptions, Settings } from './settings.js';
import { waitUntil, type Clock } from './util/clock.js';
import { diskFiles, userFiles, type Files } from './util/fs.js';
import type { Streams } from './util/streams.js';

export type { Streams } from './util/streams.js';
export type { GlobalOptions } from './settings.js';

export type Env = Record<string, string | undefined>;

/** What the process gives a run; tests give their own. */
export interface Runtime {
  streams: Streams;
  env: Env;
  platform: NodeJS.Platform;
  now: () => Date;
  /** a timer on the same clock as `now` */
  sleep: Clock['sleep'];
  /** Ctrl-C and SIGTERM, deferred while a new secret is not yet safe */
  interrupts: Interrupts;
  /** stdout goes nowhere (/dev/null, or closed by the shell): a secret is never shown there */
  stdoutDiscarded?: boolean;
  /** how keywarden's files are read and written; tests fill the disk here */
  files?: Files;
  /** the user whose files keywarden trusts (default: the one running it); tests pose as another */
  uid?: number;
  /** quicker retries in tests */
  retryPolicy?: RetryPolicy;
  /** keywarden's version, for the reports that name the tool that made them */
  version?: string;
  /** unit tests inject fakes here; the real ones are made on first use */
  prompter?: Prompter;
  secretStores?: Partial<Record<StoreKind, SecretStore>>;
}

/**
 * What a command runs in: the run's facts (environment, clock, folders, interrupts), the terminal it talks to
 * (results through a Presenter, messages, progress, confirmations), the settings of its global options, and the
 * services it works with (config, secret keeper, HTTP). Commands never reach for `process` or the raw streams, so
 * tests run them in process with their own streams and clock, and every byte written passes the redactor.
 */
export class Context {
  readonly dirs: Dirs;
  /** how keywarden writes its files */
  readonly files: Files;
  /** the status line: pages listed, retries, countdowns; seen only by a person at a terminal */
  readonly progress: Progress;
  readonly services: Services;

  constructor(
    readonly runtime: Runtime,
    readonly globals: GlobalOptions,
    readonly settings: Settings,
    readonly output: Output,
    private readonly redactor: Redactor,
  ) {
    this.dirs = platformDirs(runtime.env, runtime.platform, globals.configDir);
    this.files = runtime.files ?? (runtime.uid === undefined ? diskFiles : userFiles(runtime.uid));
    // progress is for a person watching a terminal: never in a pipe, under --no-input, in CI, or where a line cannot be redrawn
    const watched = runtime.streams.stdout.isTTY === true && globals.input !== false;
    output.enableStatus(
      watched && !runtime.env.CI && runtime.env.GITHUB_ACTIONS !== 'true' && runtime.env.TERM !== 'dumb',
    );
    this.progress = new Progress(output, () => runtime.now().getTime());
    this.services = new Services({
      env: runtime.env,
      dirs: this.dirs,
      files: this.files,
      redactor,
      settings,
      signal: runtime.interrupts.signal,
      retryPolicy: runtime.retryPolicy,
      secretStores: runtime.secretStores,
      filePassphrase: (newFile) => this.filePassphrase(newFile),
      childEnv: () => this.childEnv(),
      notice: (line) => this.note(`keywarden: ${line}`),
      warn: (line) => this.note(`keywarden: warning: ${line}`),
      debug: globals.debug ? (line) => this.debug(line) : undefined,
      retrying: (line) => this.progress.retrying(line),
    });
  }

  /** keywarden's version, as `--version` prints it */
  get version(): string {
    return this.runtime.version ?? '0.0.0';
  }

  get env(): Env {
    return this.runtime.env;
  }

  /** Text with every registered secret masked: for files keywarden writes (journals), as for its output. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /**
   * Refuses to go on (exit 2) when a folder keywarden keeps state in belongs to another user or others may change
   * it: checked before a command acts, so that nothing is done on the word of a file someone else planted.
   */
  checkPrivateState(): void {
    for (const dir of [this.dirs.config, this.dirs.state, join(this.dirs.state, 'rotations'), this.dirs.data])
      this.files.checkPrivateDir(dir);
  }

  /** The environment for a child process: keywarden's own credentials left out. */
  childEnv(): NodeJS.ProcessEnv {
    return childEnvironment(this.env, this.redactor);
  }

  now(): Date {
    return this.runtime.now();
  }

  /** Waits until a moment, on the run's clock; an interrupt ends the wait. */
  waitUntil(deadline: number): Promise<void> {
    return waitUntil(this.runtime, deadline, this.signal);
  }

  /** aborted when the run must stop (an interrupt, or stdout closed) */
  get signal(): AbortSignal {
    return this.runtime.interrupts.signal;
  }

  get interrupts(): Interrupts {
    return this.runtime.interrupts;
  }

  get stdoutIsTerminal(): boolean {
    return this.runtime.streams.stdout.isTTY === true;
  }

  /** Why keywarden cannot ask here: --no-input, or no terminal to ask on. */
  get whyNoQuestions(): string {
    return this.globals.input === false ? '--no-input forbids asking' : 'there is no terminal to ask on';
  }

  /** A person is there to answer: stdin and stderr are terminals and --no-input was not given. */
  get interactive(): boolean {
    return (
      this.globals.input !== false &&
      this.runtime.streams.stdin.isTTY === true &&
      this.runtime.streams.stderr.isTTY === true
    );
  }

  /** chalk's colour level: off under --no-color, NO_COLOR or a pipe; FORCE_COLOR forces it. */
  get colorLevel(): 0 | 1 | 2 | 3 {
    const { env } = this;
    if (this.globals.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 0;
    const force = env.FORCE_COLOR;
    if (force !== undefined)
      return force === '0' || force === 'false' ? 0 : (Math.min(3, Math.max(1, Number(force) || 1)) as 1 | 2 | 3);
    return this.stdoutIsTerminal ? 1 : 0;
  }

  /** Where results are shown: a terminal of some width, or a pipe. --wide lets a table take any width. */
  get screen(): Screen {
    const stdout = this.runtime.streams.stdout;
    if (stdout.isTTY !== true) return { terminal: false, width: undefined };
    if (this.globals.wide) return { terminal: true, width: undefined };
    const fromEnv = Number(this.env.COLUMNS);
    // a terminal that reports no size (0 columns) is taken to be 80 wide, or COLUMNS
    const width = stdout.columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80);
    return { terminal: true, width };
  }

  /** How text is painted for a person here; loaded when first needed, so a run that paints nothing loads no chalk. */
  async style(): Promise<Style> {
    const { Style } = await import('./render/style.js');
    return new Style(this.colorLevel, () => this.now());
  }

  /** The command's results go through this, in the -o format it offers (anything else is exit 2). */
  presenter<F extends OutputFormat>(formats: readonly F[]): Presenter<F> {
    const format = (this.globals.output ?? 'table') as F;
    if (!formats.includes(format))
      throw new UsageError(`-o ${format}: not a format of this command`, `formats: ${formats.join(', ')}`);
    return new Presenter({ output: this.output, format, screen: this.screen, style: () => this.style() });
  }

  /** A message for the person, on stderr. */
  note(text: string): void {
    this.output.message(text);
  }

  debug(line: string): void {
    if (this.globals.debug) this.note(`debug: ${line}`);
  }

  get prompter(): Prompter {
    return this.runtime.prompter ?? terminalPrompter(this.runtime.streams, this.signal);
  }

  /** Yes to a destructive step: --yes, or the person says so; without a terminal, --yes is required. */
  async confirm(message: string): Promise<boolean> {
    if (this.globals.yes) return true;
    if (!this.interactive) {
      throw new UsageError(`confirmation needed, and ${this.whyNoQuestions}`, 'pass --yes to confirm');
    }
    return this.prompter.confirm(message);
  }

  /** The passphrase of the encrypted file: from the environment, or typed hidden (twice for a new file). */
  private async filePassphrase(newFile: boolean): Promise<string> {
    let passphrase = this.env.KEYWARDEN_FILE_PASSPHRASE;
    if (!passphrase) {
      if (!this.interactive) {
        throw new UsageError(
          `the encrypted file store needs a passphrase, and ${this.whyNoQuestions}`,
          'set KEYWARDEN_FILE_PASSPHRASE',
        );
      }
      passphrase = await this.prompter.secret(
        newFile ? 'Passphrase for the new keywarden secrets file' : 'Passphrase of the keywarden secrets file',
      );
      if (newFile && passphrase && (await this.prompter.secret('The same passphrase again')) !== passphrase) {
        throw new UsageError(
          'the two passphrases differ; nothing was written',
          'run the command again and type the same passphrase twice',
        );
      }
    }
    if (!passphrase) throw new UsageError('an empty passphrase is not allowed');
    this.services.keeper.taint(passphrase);
    return passphrase;
  }

  async close(): Promise<void> {
    await this.services.close();
  }
}
