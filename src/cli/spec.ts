import type { Context } from '../context.js';

/** A command's code, loaded only when it runs, so help and completion load none. */
export type Action = (ctx: Context, ...args: never[]) => Promise<number>;

export interface OptionSpec {
  /** commander's flags: `-o, --output <format>`, `--verify-use [timeout]` */
  flags: string;
  description: string;
  /** a flag that may be given several times, its values collected in order */
  repeatable?: boolean;
  /** the values it takes, for completion */
  choices?: readonly string[];
}

export interface ArgumentSpec {
  /** `<name>`, `[key]`, `[keys...]` */
  name: string;
  description: string;
  /** what completion offers for it */
  completes?: 'keys' | 'profiles' | 'providers' | 'files';
}

/** A command line shown in the help; the test suite runs every one against the sandbox. */
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

export interface CommandSpec {
  /** the name after `keywarden`, or after its group (`add` in `profile add`) */
  name: string;
  /** one line, for the list of commands */
  summary: string;
  /** what more the command's own help says, in sentences */
  description?: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  examples: readonly ExampleSpec[];
  load?: () => Promise<Action>;
  subcommands?: readonly CommandSpec[];
  /** where the command list shows it */
  group?: 'keys' | 'setup' | 'more';
}
