import type { Context } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * A command declares itself beside its code: its arguments and flags, each with the type its code reads it as, its
 * help and examples. The command tree, help and completion are built from these declarations alone, so they load
 * no command code; `run` gets an input typed from the same declaration, so no flag is read as something else.
 */

/** A flag, and (as a type only) what the command reads from it. */
export interface OptionSpec<T = unknown> {
  /** commander's flags: `-o, --output <format>`, `--verify-use [timeout]`, `--dry-run` */
  flags: string;
  description: string;
  /** the only values it takes: commander refuses others (exit 2), and completion offers them */
  choices?: readonly string[];
  /** given several times, its values are collected in order */
  repeatable?: boolean;
  /** never set: carries the type */
  readonly value?: T;
}

/** A positional argument, and what the command reads from it. */
export interface ArgumentSpec<T = unknown> {
  /** `<name>`, `[key]`, `[keys...]` */
  name: string;
  description: string;
  /** what completion offers for it */
  completes?: 'keys' | 'profiles' | 'providers' | 'files';
  readonly value?: T;
}

type Completes = ArgumentSpec['completes'];

/** `--dry-run`: true when given. */
export const flag = (flags: string, description: string): OptionSpec<boolean | undefined> => ({ flags, description });
/** `--search <text>`: the text given. */
export const text = (flags: string, description: string): OptionSpec<string | undefined> => ({ flags, description });
/** `--status <status>`: one of the choices. */
export const choice = <C extends string>(
  flags: string,
  description: string,
  choices: readonly C[],
): OptionSpec<C | undefined> => ({ flags, description, choices });
/** `--set <name=value>`, given as often as needed. */
export const repeated = (flags: string, description: string): OptionSpec<string[] | undefined> => ({
  flags,
  description,
  repeatable: true,
});
/** `--verify-use [timeout]`: true when given alone, else its value. */
export const optionalValue = (flags: string, description: string): OptionSpec<string | true | undefined> => ({
  flags,
  description,
});

/** `<name>` */
export const required = (name: `<${string}>`, description: string, completes?: Completes): ArgumentSpec<string> => ({
  name,
  description,
  completes,
});
/** `[key]` */
export const optional = (
  name: `[${string}]`,
  description: string,
  completes?: Completes,
): ArgumentSpec<string | undefined> => ({ name, description, completes });
/** `[keys...]` */
export const variadic = (
  name: `[${string}...]`,
  description: string,
  completes?: Completes,
): ArgumentSpec<string[]> => ({ name, description, completes });

type Options = Record<string, OptionSpec>;
type Arguments = Record<string, ArgumentSpec>;

/** What `run` is given: each argument and flag by the name its declaration has, with its type. */
export type Input<S extends { arguments?: Arguments; options?: Options }> = {
  [K in keyof NonNullable<S['arguments']>]: NonNullable<S['arguments']>[K] extends ArgumentSpec<infer T> ? T : never;
} & {
  // a flag not given is absent
  [K in keyof NonNullable<S['options']>]?: NonNullable<S['options']>[K] extends OptionSpec<infer T> ? T : never;
};

/** A command's code: what it does with its input, and how it ended. */
export type Run<I = never> = (ctx: Context, input: I) => Promise<Outcome>;

/** A line of the help's EXAMPLES; the test suite runs every one against the sandbox. */
export interface ExampleSpec {
  /** what it does, in a few words */
  note: string;
  /** the whole line, starting `keywarden` */
  command: string;
  /** it reads the admin token on stdin (login) */
  readsToken?: boolean;
  /** the exit code it ends with, where it is not 0 (an audit gate) */
  exits?: number;
  /** it serves until interrupted (the sandbox) */
  serves?: boolean;
}

/** A command as the command tree, help and completion see it: what a command module declares, and its code. */
export interface CommandSpec {
  /** the name after `keywarden`, or after its group (`add` in `profile add`) */
  name: string;
  /** one line, for the list of commands */
  summary: string;
  /** what more the command's own help says, in sentences */
  description?: string;
  /** in the order they are given */
  arguments?: Arguments;
  options?: Options;
  examples: readonly ExampleSpec[];
  /** its code, beside the declaration; `never` as input, as the tree holds commands of every input */
  run?: Run;
  subcommands?: readonly CommandSpec[];
  /** where the command list shows it */
  group?: 'keys' | 'setup' | 'more';
  /** machinery of keywarden's own (the completion scripts' helper): left out of help and completion */
  hidden?: boolean;
}

/**
 * What help and completion read: every command's declaration without its code, written to a JSON index when
 * keywarden is built, so that they load no command module at all.
 */
export type Declaration = Omit<CommandSpec, 'run' | 'subcommands'> & {
  runs: boolean;
  subcommands?: readonly Declaration[];
};

/** A command's declaration with its own arguments and flags, so that its `run` is typed from them. */
export interface TypedCommandSpec<A extends Arguments, O extends Options> extends Omit<
  CommandSpec,
  'arguments' | 'options' | 'run'
> {
  arguments?: A;
  options?: O;
  run?: Run<Input<{ arguments: A; options: O }>>;
}

/** Declares a command, keeping its types for its `run`. */
// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- a command without arguments or flags has none
export function command<A extends Arguments = Record<never, never>, O extends Options = Record<never, never>>(
  spec: TypedCommandSpec<A, O>,
): TypedCommandSpec<A, O> {
  return spec;
}

/** A declaration as the index holds it: the code left out, and whether there is code to run. */
export function declaration(spec: CommandSpec): Declaration {
  const { run, subcommands, ...declared } = spec;
  return {
    ...declared,
    runs: run !== undefined,
    ...(subcommands ? { subcommands: subcommands.map(declaration) } : {}),
  };
}
