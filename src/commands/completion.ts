import { join } from 'node:path';
import { completions } from '../cli/complete.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { builtinIds } from '../providers/builtin-ids.js';
import { shells } from './completion.command.js';

const scripts: Record<(typeof shells)[number], string> = {
  bash: `# keywarden completion for bash: source this file, or save it as
# ~/.local/share/bash-completion/completions/keywarden
_keywarden() {
  local IFS=$'\\n'
  COMPREPLY=($(keywarden __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _keywarden keywarden
`,
  zsh: `#compdef keywarden
# keywarden completion for zsh: save this file as _keywarden in a directory on $fpath
_keywarden() {
  local -a candidates
  candidates=("\${(@f)$(keywarden __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _keywarden keywarden
`,
  fish: `# keywarden completion for fish: save this file as ~/.config/fish/completions/keywarden.fish
function __keywarden_complete
    set -l tokens (commandline -opc) (commandline -ct)
    keywarden __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c keywarden -f -a '(__keywarden_complete)'
`,
};

/** completion SHELL: the script that makes the shell ask keywarden what may come next. */
export async function run(ctx: Context, shell: string): Promise<number> {
  if (!(shells as readonly string[]).includes(shell)) throw new UsageError(`completion: '${shell}' is not one of ${shells.join(', ')}`);
  await ctx.presenter(['table'] as const).text(scripts[shell as (typeof shells)[number]]);
  return 0;
}

/** __complete WORDS: the candidates, one a line; a problem (an unreadable config) offers nothing rather than an error. */
export async function complete(ctx: Context, words: string[]): Promise<number> {
  const { commands } = await import('../cli.js');
  const config = await ctx.config.load().catch(() => undefined);
  const offered = await completions(words.length === 0 ? [''] : words, commands, {
    profiles: async () => Object.keys(config?.profiles ?? {}),
    providers: () => builtinIds(),
    keys: async (profile) => {
      const { StoredIndex } = await import('../secrets/stored-index.js');
      const name = profile ?? ctx.env.KEYWARDEN_PROFILE ?? config?.current;
      if (!name) return [];
      const index = new StoredIndex(join(ctx.dirs.state, 'stored-secrets.json'), { files: ctx.files });
      return index.list().flatMap((entry) => (entry.account.startsWith(`${name}/`) ? [entry.account.slice(name.length + 1)] : []));
    },
  }).catch(() => []);
  if (offered.length > 0) await ctx.presenter(['table', 'json'] as const).text(`${offered.join('\n')}\n`);
  return 0;
}
