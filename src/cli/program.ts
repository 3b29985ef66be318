import { Command, Option } from 'commander';
import type { Declaration, OptionSpec } from '../command-spec.js';
import type { Runtime } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Output } from '../render/output.js';
import type { Redactor } from '../secrets/redactor.js';
import type { GlobalOptions } from '../settings.js';
import { loadCommand } from './commands.js';
import { globalOptions } from './globals.js';
import { nearest } from './suggest.js';

/**
 * The command tree, parsed by commander: every command line but a request for help, which src/cli.ts answers
 * without loading this module (or commander). A command's code is loaded only when it runs.
 */

export interface ProgramOptions {
  runtime: Runtime;
  version: string;
  output: Output;
  redactor: Redactor;
  commands: readonly Declaration[];
  /** the help of the command at a path of names, `[]` for keywarden itself: what src/cli.ts shows without commander */
  helpText: (path: readonly string[]) => string;
}

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

/**
 * The command tree, from the commands' declarations. Only the commands whose names are among `words` (the command
 * line) get their flags: no other can run, and most of the tree's making was adding every global flag to each.
 */
export function buildProgram(
  { runtime, version, output, redactor, commands, helpText }: ProgramOptions,
  words: ReadonlySet<string>,
): Program {
  const state: Program = { program: new Command('keywarden'), result: undefined };
  const { program } = state;
  const declarationOf = new WeakMap<Command, { spec: Declaration; path: string[] }>();

  program
    .version(version, '-v, --version', 'the version of keywarden')
    .helpOption('-h, --help', 'show help for the command')
    .configureHelp({ formatHelp: (cmd) => helpText(declarationOf.get(cmd)?.path ?? []) })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void output.result(text).catch(() => undefined),
      writeErr: (text) => {
        for (const line of text.replace(/\n$/, '').split('\n')) output.message(line);
      },
      outputError: (text, write) => write(commanderErrorLines(text)),
    });
  for (const option of globalOptions) addOption(program, option);

  /** What a command's run needs beyond its input: loaded when a command runs, never for help or a usage error. */
  const contextFor = async (globals: GlobalOptions) => {
    const [{ Context }, { parseSettings }] = await Promise.all([import('../context.js'), import('../settings.js')]);
    return new Context({ ...runtime, version }, globals, parseSettings(globals), output, redactor);
  };

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
        const ctx = await contextFor(globals);
        try {
          const [command, { exitCodeOf }] = await Promise.all([loadCommand(path), import('../outcome.js')]);
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
    if (!words.has(spec.name)) return;
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
        const ctx = await contextFor(globals);
        const { complete } = await import('./complete.js');
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

/** Parses and runs one command line; any error, commander's own included, is the caller's to report. */
export async function runProgram(argv: readonly string[], options: ProgramOptions): Promise<number> {
  const state = buildProgram(options, new Set(argv));
  await state.program.parseAsync([...argv], { from: 'user' });
  return state.result ? await state.result : ExitCode.ok;
}

/** What commander throws where it stops the run (help or the version shown, or a usage error it has reported). */
export { CommanderError } from 'commander';
