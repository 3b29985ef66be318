import type { CommandSpec } from '../cli/spec.js';

export const shells = ['bash', 'zsh', 'fish'] as const;

export const completionCommand: CommandSpec = {
  name: 'completion',
  group: 'more',
  summary: 'a completion script for bash, zsh or fish',
  description:
    'Prints a script that completes commands, flags and their values, profile names, provider ids and the ids of keys keywarden stored secrets of. Completing asks keywarden itself, which reads only local files: no request is made.',
  arguments: [{ name: '<shell>', description: 'bash, zsh or fish' }],
  examples: [
    { note: 'bash, for every new shell', command: 'keywarden completion bash > ~/.local/share/bash-completion/completions/keywarden' },
    { note: 'zsh: a file named _keywarden on your $fpath', command: 'keywarden completion zsh > ~/.zfunc/_keywarden' },
    { note: 'fish', command: 'keywarden completion fish > ~/.config/fish/completions/keywarden.fish' },
  ],
  load: async () => (await import('./completion.js')).run,
};

/** The hidden command the scripts call: the candidates for the words typed so far, one a line. */
export const completeCommand: CommandSpec = {
  name: '__complete',
  summary: 'the words that may come next (for the completion scripts)',
  arguments: [{ name: '[words...]', description: 'the words typed after keywarden, the last under the cursor' }],
  examples: [],
  load: async () => (await import('./completion.js')).complete,
};
