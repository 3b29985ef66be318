import type { CommanderError } from 'commander';
import { commandDeclarations } from './cli/commands.js';
import { helpFor, helpRequest, type HelpStyle } from './cli/help.js';
import type { ExampleSpec } from './command-spec.js';
import type { Runtime } from './context.js';
import { ExitCode, KeywardenError } from './errors.js';
import { ProviderError } from './providers/errors.js';
import { Output, OutputClosedError } from './render/output.js';
import { Redactor } from './secrets/redactor.js';

/** What `keywarden` alone suggests trying first. */
export const rootExamples: readonly ExampleSpec[] = [
  {
    note: 'simulators of every built-in provider, to try keywarden on',
    command: 'keywarden sandbox --port 0',
    serves: true,
  },
  { note: 'the keys of a profile, as a table that fits the terminal', command: 'keywarden -p prod list' },
  {
    note: 'a new key, its secret straight into the keychain',
    command: 'keywarden -p prod create "ci deploy" --expires-in 90d',
  },
  { note: 'what a security review would raise', command: 'keywarden audit --all-profiles' },
];

/** The help width: the terminal's, or 80 in a pipe. */
function helpWidth(runtime: Runtime): number {
  const { stdout } = runtime.streams;
  return stdout.isTTY && stdout.columns ? Math.min(stdout.columns, 120) : 80;
}

/**
 * Runs one command line and returns the exit code; the one place errors become exit codes. Every byte it writes
 * goes through one Output, past one redactor. An interrupt the run took in (finishing a guarded step first) is exit
 * 130 whatever the command returned.
 */
export async function main(argv: string[], runtime: Runtime, version: string): Promise<number> {
  const redactor = new Redactor();
  const { interrupts } = runtime;
  const output = new Output({
    stdout: runtime.streams.stdout,
    stderr: runtime.streams.stderr,
    redactor,
    githubActions: runtime.env.GITHUB_ACTIONS === 'true',
    onStdoutClosed: () => interrupts.stop(new OutputClosedError()),
    stdoutDiscarded: runtime.stdoutDiscarded,
  });
  interrupts.speakThrough((line) => output.message(line));
  const debug = argv.includes('--debug');
  let program: typeof import('./cli/program.js') | undefined;
  let code: number;
  try {
    const commands = await commandDeclarations();
    const style: HelpStyle = { heading: (text) => text };
    const helpText = (path: readonly string[]): string =>
      helpFor(path, commands, rootExamples, helpWidth(runtime), style);
    // help, the first thing a person runs, starts without commander or any command's code
    const help = helpRequest(argv, commands);
    if (help?.byFlag) {
      void output.result(helpText(help.path)).catch(() => undefined);
      code = ExitCode.ok;
    } else if (help) {
      await output.result(helpText(help.path));
      code = ExitCode.ok;
    } else {
      program = await import('./cli/program.js');
      code = await program.runProgram(argv, { runtime, version, output, redactor, commands, helpText });
    }
  } catch (error) {
    code = reportError(error, output, debug, program?.CommanderError);
  }
  return interrupts.interrupted ? ExitCode.interrupted : code;
}

/** What to do about a provider's refusal, where the provider's own words leave it open. */
const providerHints: Partial<Record<ProviderError['kind'], string>> = {
  auth: 'check the admin token: keywarden login, or KEYWARDEN_TOKEN',
  forbidden: 'the admin token is valid but may not manage API keys',
  rate_limited: 'wait a little and try again',
};

/** `commanderError` is commander's error class, once commander has been loaded to parse the command line. */
function reportError(
  error: unknown,
  output: Output,
  debug: boolean,
  commanderError: typeof CommanderError | undefined,
): number {
  const write = (line: string): void => output.message(line);
  // the reader of stdout went away: stop quietly, as `head` expects
  if (error instanceof OutputClosedError || (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE')
    return ExitCode.ok;
  if (commanderError && error instanceof commanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof KeywardenError) {
    write(`keywarden: ${error.message}`);
    const hint = error.hint ?? (error instanceof ProviderError ? providerHints[error.kind] : undefined);
    if (hint) write(`hint: ${hint}`);
    if (debug && error.stack) for (const line of error.stack.split('\n').slice(1)) write(line);
    return error.exitCode;
  }
  // a prompt cancelled with Ctrl-C, or a request aborted by it
  const name = (error as Error | undefined)?.name;
  if (name === 'ExitPromptError' || name === 'AbortError') {
    write('keywarden: interrupted');
    return ExitCode.interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`keywarden: unexpected error: ${message}`);
  if (debug) for (const line of String(error instanceof Error ? error.stack : error).split('\n')) write(line);
  else write('hint: run again with --debug for details, and report it if it persists');
  return ExitCode.failure;
}
