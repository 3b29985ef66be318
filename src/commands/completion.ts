import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { done, type Outcome } from '../outcome.js';
import { command, required, type Input } from '../command-spec.js';

const shells = ['bash', 'zsh', 'fish'] as const;
const shellArgument = { shell: required('<shell>', 'bash, zsh or fish') };

export const completionCommand = command({
  name: 'completion',
  group: 'more',
  summary: 'a completion script for bash, zsh or fish',
  description:
    'Prints a script that completes commands, flags and their values, profile names, provider ids and the ids of keys keywarden stored secrets of. Completing asks keywarden itself, which reads only local files: no request is made.',
  arguments: shellArgument,
  examples: [
    {
      note: 'bash, for every new shell',
      command: 'keywarden completion bash > ~/.local/share/bash-completion/completions/keywarden',
    },
    { note: 'zsh: a file named _keywarden on your $fpath', command: 'keywarden completion zsh > ~/.zfunc/_keywarden' },
    { note: 'fish', command: 'keywarden completion fish > ~/.config/fish/completions/keywarden.fish' },
  ],
  run: completion,
});

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
async function completion(ctx: Context, { shell }: Input<{ arguments: typeof shellArgument }>): Promise<Outcome> {
  if (!(shells as readonly string[]).includes(shell))
    throw new UsageError(`completion: '${shell}' is not one of ${shells.join(', ')}`);
  await ctx.presenter(['table'] as const).text(scripts[shell as (typeof shells)[number]]);
  return done;
}
