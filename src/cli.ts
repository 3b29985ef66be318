import { Command, CommanderError, Option } from 'commander';
import { commandDeclarations, loadCommand } from './cli/commands.js';
import { globalOptions } from './cli/globals.js';
import { commandHelp, rootHelp, type HelpStyle } from './cli/help.js';
import { nearest } from './cli/suggest.js';
import type { Declaration, ExampleSpec, OptionSpec } from './command-spec.js';
import { Context, type Runtime } from './context.js';
import { ExitCode, KeywardenError, UsageError } from './errors.js';
import { exitCodeOf } from './outcome.js';
import { ProviderError } from './providers/errors.js';
import { Output, OutputClosedError } from './render/output.js';
import { Redactor } from './secrets/redactor.js';
import { parseSettings, type GlobalOptions } from './settings.js';

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

export interface Program {
  program: Command;
  /** the exit code of the command that ran, once it has */
  result: Promise<number> | undefined;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function addOption(command: Command, spec: OptionSpec, hidden = false): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.repeatable) option.argParser(collect);
  if (spec.choices) option.choices(spec.choices);
  if (hidden) option.hideHelp();
  command.addOption(option);
  return option;
}

/** The help width: the terminal's, or 80 in a pipe. */
function helpWidth(runtime: Runtime): number {
  const { stdout } = runtime.streams;
  return stdout.isTTY && stdout.columns ? Math.min(stdout.columns, 120) : 80;
}

/** The command tree, from the commands' declarations; a command's code is loaded only when it runs. */
export function buildProgram(
  runtime: Runtime,
  version: string,
  output: Output,
  redactor: Redactor,
  commands: readonly Declaration[],
): Program {
  const state: Program = { program: new Command('keywarden'), result: undefined };
  const { program } = state;
  const declarationOf = new WeakMap<Command, { spec: Declaration; path: string[] }>();
  const style: HelpStyle = { heading: (text) => text };

  program
    .version(version, '-v, --version', 'the version of keywarden')
    .helpOption('-h, --help', 'show help for the command')
    .configureHelp({
      formatHelp: (cmd) => {
        const found = declarationOf.get(cmd);
        return found
          ? commandHelp(found.spec, found.path, helpWidth(runtime), style)
          : rootHelp(commands, rootExamples, helpWidth(runtime), style);
      },
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void output.result(text).catch(() => undefined),
      writeErr: (text) => {
        for (const line of text.replace(/\n$/, '').split('\n')) output.message(line);
      },
      outputError: (text, write) => write(commanderErrorLines(text)),
    });
  for (const option of globalOptions) addOption(program, option);

  /**
   * The command's input, named as its declaration names them: its arguments in order, then its flags by the name
   * commander gives each. What the command's run reads is typed from the same declaration.
   */
  const run =
    (spec: Declaration, path: string[], flags: [name: string, option: Option][]) =>
    (...parsed: unknown[]): void => {
      const cmd = parsed[parsed.length - 1] as Command;
      const values = cmd.opts();
      const input: Record<string, unknown> = {};
      Object.keys(spec.arguments ?? {}).forEach((name, i) => (input[name] = parsed[i]));
      for (const [name, option] of flags) input[name] = values[option.attributeName()];
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      state.result = (async () => {
        const ctx = new Context({ ...runtime, version }, globals, parseSettings(globals), output, redactor);
        try {
          const command = await loadCommand(path);
          return exitCodeOf(await command.run!(ctx, input as never));
        } finally {
          await ctx.close();
        }
      })();
    };

  /** A command group run without its subcommand shows its help on stdout; an unknown one is exit 2 with the nearest. */
  const showHelp =
    (cmd: Command, path: string[], names: readonly string[]) =>
    (typed?: string): void => {
      state.result = (async () => {
        if (typed !== undefined) {
          const near = nearest(typed, names);
          throw new UsageError(
            `unknown command '${[...path, typed].join(' ')}'`,
            near
              ? `did you mean ${[...path, near].join(' ')}?`
              : `keywarden ${[...path, 'help'].join(' ')} lists the commands`,
          );
        }
        await output.result(cmd.helpInformation());
        return ExitCode.ok;
      })();
    };

  const define = (parent: Command, spec: Declaration, path: string[]): void => {
    const cmd = parent.command(spec.name, spec.hidden ? { hidden: true } : {}).description(spec.summary);
    declarationOf.set(cmd, { spec, path });
    for (const argument of Object.values(spec.arguments ?? {})) cmd.argument(argument.name, argument.description);
    const flags = Object.entries(spec.options ?? {}).map(([name, option]): [string, Option] => [
      name,
      addOption(cmd, option),
    ]);
    for (const option of globalOptions) addOption(cmd, option, true);
    for (const sub of spec.subcommands ?? []) define(cmd, sub, [...path, sub.name]);
    if (spec.runs) cmd.action(run(spec, path, flags));
    else
      cmd.argument('[command]').action(
        showHelp(
          cmd,
          path,
          (spec.subcommands ?? []).map((s) => s.name),
        ),
      );
  };
  for (const spec of commands) define(program, spec, [spec.name]);

  // `keywarden __complete -- WORDS`, for the completion scripts
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .action((words: string[], _options: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      state.result = (async () => {
        const ctx = new Context({ ...runtime, version }, globals, parseSettings(globals), output, redactor);
        const { complete } = await import('./cli/complete.js');
        await complete(ctx, words);
        return ExitCode.ok;
      })();
    });

  // `keywarden help [command...]`: the help of any command, on stdout
  program
    .command('help', { hidden: true })
    .argument('[command...]')
    .action((words: string[]) => {
      state.result = (async () => {
        let target: Command = program;
        for (const [i, word] of words.entries()) {
          const visible = target.commands.filter((c) => !declarationOf.get(c)?.spec.hidden && c.name() !== 'help');
          const next = visible.find((c) => c.name() === word);
          if (!next) {
            const near = nearest(
              word,
              visible.map((c) => c.name()),
            );
            const path = words.slice(0, i);
            throw new UsageError(
              `unknown command '${[...path, word].join(' ')}'`,
              near ? `did you mean keywarden help ${[...path, near].join(' ')}?` : 'keywarden help lists the commands',
            );
          }
          target = next;
        }
        await output.result(target.helpInformation());
        return ExitCode.ok;
      })();
    });
  program
    .argument('[command]')
    .action(showHelp(program, [], [...commands.filter((c) => !c.hidden).map((c) => c.name), 'help']));
  return state;
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as keywarden's one error line plus a hint. */
function commanderErrorLines(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  // a value a flag does not take, said as keywarden says it elsewhere
  const message = first
    .replace(/^error: /, '')
    .replace(
      /^option '(--[\w-]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/,
      "$1: '$2' is not one of $3",
    );
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/);
  const unknown = message.match(/^unknown option '(.+)'$/)?.[1];
  const looksLikeValue = unknown !== undefined && !/^--[a-z][a-z-]*$/.test(unknown);
  // a key id may begin with '-' (SendGrid's do): after `--` it is an argument
  const hint = suggestion
    ? `did you mean ${suggestion[1]}?`
    : looksLikeValue
      ? `a name or id that begins with '-' goes after --, as in: -- ${unknown}`
      : undefined;
  return `keywarden: ${message}\n${hint ? `hint: ${hint}\n` : ''}`;
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
  const state = buildProgram(runtime, version, output, redactor, await commandDeclarations());
  const debug = argv.includes('--debug');
  let code: number;
  try {
    await state.program.parseAsync(argv, { from: 'user' });
    code = state.result ? await state.result : ExitCode.ok;
  } catch (error) {
    code = reportError(error, output, debug);
  }
  return interrupts.interrupted ? ExitCode.interrupted : code;
}

/** What to do about a provider's refusal, where the provider's own words leave it open. */
const providerHints: Partial<Record<ProviderError['kind'], string>> = {
  auth: 'check the admin token: keywarden login, or KEYWARDEN_TOKEN',
  forbidden: 'the admin token is valid but may not manage API keys',
  rate_limited: 'wait a little and try again',
};

function reportError(error: unknown, output: Output, debug: boolean): number {
  const write = (line: string): void => output.message(line);
  // the reader of stdout went away: stop quietly, as `head` expects
  if (error instanceof OutputClosedError || (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE')
    return ExitCode.ok;
  if (error instanceof CommanderError) {
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
