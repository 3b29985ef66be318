import { join } from 'node:path';
import type { ArgumentSpec, Declaration, OptionSpec } from '../command-spec.js';
import type { Context } from '../context.js';
import { builtinIds } from '../providers/builtin-ids.js';
import { commandDeclarations } from './commands.js';
import { globalOptions } from './globals.js';

/** Where completion finds the names it offers; each is asked only when it is needed. */
export interface CompletionSources {
  profiles(): Promise<string[]>;
  providers(): string[];
  /** the key ids keywarden knows of locally for a profile (the ones it stored secrets of): no request is made */
  keys(profile: string | undefined): Promise<string[]>;
}

const helpOption: OptionSpec = { flags: '-h, --help', description: '' };

/** An option's names (`-o`, `--output`), and whether it takes a value. */
function names(option: OptionSpec): { names: string[]; takesValue: boolean } {
  const [spelling] = option.flags.split(/ [<[]/);
  return {
    names: spelling!.split(', ').map((n) => n.trim()),
    takesValue: /[<[]/.test(option.flags) && !option.flags.includes('['),
  };
}

function findOption(word: string, options: readonly OptionSpec[]): OptionSpec | undefined {
  const name = word.split('=')[0]!;
  return options.find((o) => names(o).names.includes(name));
}

/** What the option's value can be. */
async function optionValues(option: OptionSpec, sources: CompletionSources): Promise<string[]> {
  if (option.choices) return [...option.choices];
  const long = names(option).names.find((n) => n.startsWith('--'));
  if (long === '--profile') return sources.profiles();
  if (long === '--provider') return sources.providers();
  return [];
}

async function argumentValues(
  argument: ArgumentSpec | undefined,
  profile: string | undefined,
  sources: CompletionSources,
): Promise<string[]> {
  switch (argument?.completes) {
    case 'keys':
      return sources.keys(profile);
    case 'profiles':
      return sources.profiles();
    case 'providers':
      return sources.providers();
    default:
      return [];
  }
}

/**
 * The words that may come next on a command line, given the words typed so far after `keywarden` (the last one being
 * the word under the cursor, perhaps empty): commands, flags, flag values, profile names, provider ids and key ids.
 */
export async function completions(
  words: readonly string[],
  tree: readonly Declaration[],
  sources: CompletionSources,
): Promise<string[]> {
  const current = words.at(-1) ?? '';
  let level: readonly Declaration[] = tree.filter((c) => !c.hidden);
  let chosen: Declaration | undefined;
  let positional = 0;
  let pending: OptionSpec | undefined;
  let profile: string | undefined;
  const inScope = (): OptionSpec[] => [...Object.values(chosen?.options ?? {}), ...globalOptions, helpOption];

  for (const word of words.slice(0, -1)) {
    if (pending) {
      if (names(pending).names.includes('--profile')) profile = word;
      pending = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const option = findOption(word, inScope());
      if (option && names(option).takesValue && !word.includes('=')) pending = option;
      continue;
    }
    const sub = level.find((c) => c.name === word);
    if (sub && positional === 0) {
      chosen = sub;
      level = sub.subcommands ?? [];
      continue;
    }
    positional++;
  }

  let offered: string[];
  if (pending) offered = await optionValues(pending, sources);
  else if (current.startsWith('-'))
    offered = inScope().flatMap((o) => names(o).names.filter((n) => n.startsWith('--') || current.length <= 2));
  else if (level.length > 0 && positional === 0 && (chosen === undefined || chosen.subcommands)) {
    offered = [...level.map((c) => c.name), ...(chosen === undefined ? ['help'] : [])];
    // a group with an action of its own (providers) also takes no argument, so its subcommands are all there is
  } else {
    const args = Object.values(chosen?.arguments ?? {});
    const argument = args[Math.min(positional, args.length - 1)];
    offered =
      argument && (positional < args.length || argument.name.endsWith('...]'))
        ? await argumentValues(argument, profile, sources)
        : [];
  }
  return [...new Set(offered)].filter((word) => word.startsWith(current)).sort();
}

/**
 * `keywarden __complete -- WORDS`, which the completion scripts call: the candidates for the words typed so far,
 * one a line. A problem (an unreadable config) offers nothing rather than an error: a shell shows no errors while
 * completing.
 */
export async function complete(ctx: Context, words: readonly string[]): Promise<void> {
  const config = await ctx.services.config.load().catch(() => undefined);
  const offered = await completions(words.length === 0 ? [''] : words, await commandDeclarations(), {
    profiles: async () => Object.keys(config?.profiles ?? {}),
    providers: () => builtinIds(),
    keys: async (profile) => {
      const { StoredIndex } = await import('../secrets/stored-index.js');
      const name = profile ?? ctx.env.KEYWARDEN_PROFILE ?? config?.current;
      if (!name) return [];
      const index = new StoredIndex(join(ctx.dirs.state, 'stored-secrets.json'), { files: ctx.files });
      return index
        .list()
        .flatMap((entry) => (entry.account.startsWith(`${name}/`) ? [entry.account.slice(name.length + 1)] : []));
    },
  }).catch(() => []);
  if (offered.length > 0) await ctx.presenter(['table', 'json'] as const).text(`${offered.join('\n')}\n`);
}
