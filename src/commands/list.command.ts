import type { CommandSpec } from '../cli/spec.js';

export const listCommand: CommandSpec = {
  name: 'list',
  group: 'keys',
  summary: 'every key of the profile, all pages, normalised',
  description: 'Lists every key of the profile (or of every profile), following every page. Without --status, revoked keys are left out. On a terminal it is a table that fits the window; in a pipe, one key a line, tab-separated.',
  options: [
    { flags: '--search <text>', description: 'keys whose name contains the text, or whose id starts with it' },
    { flags: '--status <status>', description: 'active, expired, revoked or all (default: every key not revoked)', choices: ['active', 'expired', 'revoked', 'all'] },
    { flags: '--created-after <date>', description: 'created on or after this ISO 8601 date' },
    { flags: '--created-before <date>', description: 'created on or before this ISO 8601 date' },
    { flags: '--sort <field>', description: 'created, name or last-used', choices: ['created', 'name', 'last-used'] },
    { flags: '--all-profiles', description: 'every profile of the config file, queried at once' },
  ],
  examples: [
    { note: 'the keys of the current profile', command: 'keywarden list' },
    { note: 'every key, revoked ones too, newest first', command: 'keywarden list --status all --sort created' },
    { note: 'keys of one provider whose name holds "billing"', command: 'keywarden --provider edgedns list --search billing' },
    { note: 'every profile, as JSON', command: 'keywarden list --all-profiles -o json' },
  ],
  load: async () => (await import('./list.js')).run,
};
