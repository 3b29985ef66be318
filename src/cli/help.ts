import { wrapWords } from '../render/wrap.js';
import { globalOptions } from './globals.js';
import type { Declaration, ExampleSpec, OptionSpec } from '../command-spec.js';

/** Help is keywarden's own text, all ASCII: a character is a column. */
const displayWidth = (text: string): number => text.length;
const wrapToWidth = (text: string, width: number): string[] =>
  wrapWords(text, width, displayWidth, (word) => word.split(''));

/**
 * Help laid out as gh lays out its own: what the command does, USAGE, ARGUMENTS, FLAGS, INHERITED FLAGS in brief,
 * EXAMPLES and LEARN MORE, wrapped at spaces to the terminal's width. Only the command tree's specs are read: no
 * command code is loaded to show help.
 */

export interface HelpStyle {
  heading(text: string): string;
}

const indent = '  ';
const helpFlag: OptionSpec = { flags: '-h, --help', description: 'show help for the command' };

function paragraph(text: string, width: number, prefix = ''): string[] {
  return wrapToWidth(text, Math.max(20, width - displayWidth(prefix))).map((line) => `${prefix}${line}`);
}

/** Two columns: a term and its description, the description wrapped under itself. */
function definitions(items: [term: string, description: string][], width: number): string[] {
  const termWidth = Math.min(Math.max(...items.map(([term]) => displayWidth(term))), 32);
  const lines: string[] = [];
  for (const [term, description] of items) {
    const pad = termWidth + indent.length + 2;
    const wrapped = wrapToWidth(description, Math.max(20, width - pad));
    if (displayWidth(term) > termWidth) {
      lines.push(`${indent}${term}`);
      for (const line of wrapped) lines.push(`${' '.repeat(pad)}${line}`);
      continue;
    }
    lines.push(`${indent}${term.padEnd(termWidth)}  ${wrapped[0] ?? ''}`);
    for (const line of wrapped.slice(1)) lines.push(`${' '.repeat(pad)}${line}`);
  }
  return lines;
}

/** A flag as the list shows it: a long-only flag lined up under the long ones that have a short form. */
function flagTerm(option: OptionSpec): string {
  return option.flags.startsWith('--') ? `    ${option.flags}` : option.flags;
}

function section(title: string, lines: string[], style: HelpStyle): string[] {
  return lines.length === 0 ? [] : [style.heading(title), ...lines, ''];
}

/** Every flag of the global options, by name only, as many a line as fit: what a subcommand's help says of them. */
function inheritedBrief(width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const name of globalOptions.map((o) => o.flags.replace(/ [<[].*$/, ''))) {
    const next = line === '' ? name : `${line}  ${name}`;
    if (line !== '' && displayWidth(indent + next) > width) {
      lines.push(indent + line);
      line = name;
    } else line = next;
  }
  return [...lines, indent + line, ...paragraph('(keywarden help shows what each does)', width, indent)];
}

function usage(path: string[], spec: Declaration): string {
  const args = Object.values(spec.arguments ?? {})
    .map((a) => a.name)
    .join(' ');
  if (spec.subcommands && !spec.runs) return `keywarden ${path.join(' ')} <command> [flags]`;
  return ['keywarden', ...path, args, '[flags]'].filter(Boolean).join(' ');
}

/** Each example's note wrapped as comments, then its command whole: a command line is copied, never broken. */
function examples(list: readonly ExampleSpec[], width: number): string[] {
  return list.flatMap((e) => [...paragraph(e.note, width, `${indent}# `), `${indent}$ ${e.command}`]);
}

const learnMore = (path: string, width: number): string[] => [
  ...paragraph(`keywarden ${path ? `${path} ` : ''}<command> --help shows more about a command.`, width, indent),
  ...paragraph('The README covers profiles, the secret stores, provider manifests and CI recipes.', width, indent),
];

/** The help of one command (or group), `path` being its names after `keywarden`. */
export function commandHelp(spec: Declaration, path: string[], width: number, style: HelpStyle): string {
  const lines = [
    ...paragraph(spec.description ?? `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, width),
    '',
    ...section('USAGE', [`${indent}${usage(path, spec)}`], style),
    ...section(
      'COMMANDS',
      definitions(
        (spec.subcommands ?? []).map((c) => [`${c.name}:`, c.summary]),
        width,
      ),
      style,
    ),
    ...section(
      'ARGUMENTS',
      definitions(
        Object.values(spec.arguments ?? {}).map((a) => [a.name, a.description]),
        width,
      ),
      style,
    ),
    ...section(
      'FLAGS',
      definitions(
        [...Object.values(spec.options ?? {}), helpFlag].map((o) => [flagTerm(o), o.description]),
        width,
      ),
      style,
    ),
    ...section('INHERITED FLAGS', inheritedBrief(width), style),
    ...section('EXAMPLES', examples(spec.examples, width), style),
    ...section('LEARN MORE', learnMore(spec.subcommands ? path.join(' ') : '', width), style),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

const groups: [group: NonNullable<Declaration['group']>, title: string][] = [
  ['keys', 'KEY COMMANDS'],
  ['setup', 'SETUP COMMANDS'],
  ['more', 'MORE COMMANDS'],
];

/** `keywarden` alone, `keywarden --help` and `keywarden help`. */
export function rootHelp(
  commands: readonly Declaration[],
  rootExamples: readonly ExampleSpec[],
  width: number,
  style: HelpStyle,
): string {
  const version = { flags: '-v, --version', description: 'the version of keywarden' };
  const lines = [
    ...paragraph(
      'List, create, revoke, rotate and audit API keys across SaaS providers, from a terminal, a CI job or a one-off audit. Every new secret goes to the secret store before anything else happens.',
      width,
    ),
    '',
    ...section('USAGE', [`${indent}keywarden <command> [flags]`], style),
    ...groups.flatMap(([group, title]) => {
      const listed: [string, string][] = commands
        .filter((c) => !c.hidden && (c.group ?? 'more') === group)
        .map((c) => [`${c.name}:`, c.summary]);
      if (group === 'more') listed.push(['help:', 'the help of any command: keywarden help <command>']);
      return section(title, definitions(listed, width), style);
    }),
    ...section(
      'FLAGS (every command takes them)',
      definitions(
        [...globalOptions, version, helpFlag].map((o) => [flagTerm(o), o.description]),
        width,
      ),
      style,
    ),
    ...section('EXAMPLES', examples(rootExamples, width), style),
    ...section('LEARN MORE', learnMore('', width), style),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The help of the command at a path of names after `keywarden`; `[]` is keywarden's own. */
export function helpFor(
  path: readonly string[],
  commands: readonly Declaration[],
  rootExamples: readonly ExampleSpec[],
  width: number,
  style: HelpStyle,
): string {
  const found = commandAt(commands, path, false);
  if (!found) throw new Error(`no command ${path.join(' ')}`);
  return found.spec ? commandHelp(found.spec, [...path], width, style) : rootHelp(commands, rootExamples, width, style);
}

/**
 * The command at a path of names, its spec undefined for `[]` (keywarden itself); undefined if a name is no
 * command's at its level (or, with `listedOnly`, a hidden one's).
 */
function commandAt(
  commands: readonly Declaration[],
  path: readonly string[],
  listedOnly: boolean,
): { spec: Declaration | undefined } | undefined {
  let spec: Declaration | undefined;
  let level = commands;
  for (const name of path) {
    spec = level.find((c) => c.name === name && !(listedOnly && c.hidden));
    if (!spec) return undefined;
    level = spec.subcommands ?? [];
  }
  return { spec };
}

/** A command line that asks for help and nothing else: the command whose help it asks for. */
export interface HelpRequest {
  /** the command's names after `keywarden`; `[]` is keywarden itself */
  path: string[];
  /** asked with -h or --help, which commander answers without waiting for stdout to take the text */
  byFlag: boolean;
}

/**
 * The help a command line asks for, read as commander reads it, when it asks for nothing else: `keywarden` alone,
 * a command's names then `--help` or `-h`, `help` then the names of a listed command, or a group's names alone.
 * Anything more (a flag, an argument, a name that is no command's) is undefined: commander parses that line, and
 * says what is wrong with it. This is what lets help start without commander or any command's code.
 */
export function helpRequest(argv: readonly string[], commands: readonly Declaration[]): HelpRequest | undefined {
  const last = argv[argv.length - 1];
  if (last === '--help' || last === '-h') {
    const path = argv.slice(0, -1);
    return commandAt(commands, path, false) ? { path, byFlag: true } : undefined;
  }
  if (argv[0] === 'help') {
    const path = argv.slice(1);
    return commandAt(commands, path, true) ? { path, byFlag: false } : undefined;
  }
  const found = commandAt(commands, argv, false);
  return found && !found.spec?.runs ? { path: [...argv], byFlag: false } : undefined;
}
