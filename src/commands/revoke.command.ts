import type { CommandSpec } from '../cli/spec.js';

export const revokeCommand: CommandSpec = {
  name: 'revoke',
  group: 'keys',
  summary: 'revoke keys; asks first unless --yes; their stored secrets are deleted',
  description: 'Revokes keys named by id, unique id prefix (4 characters or more) or unique name, or chosen by --unused-for or --expired. It lists them and asks first; without a terminal, --yes is needed. Every key is tried, and each outcome reported.',
  arguments: [{ name: '[keys...]', description: 'key ids, unique id prefixes or unique names', completes: 'keys' }],
  options: [
    { flags: '--unused-for <duration>', description: 'every key not used for this long (or never used and this old)' },
    { flags: '--expired', description: 'every expired key' },
    { flags: '--dry-run', description: 'show what would be revoked, change nothing' },
  ],
  examples: [
    { note: 'one key, by name, without asking', command: 'keywarden revoke "Staging Server" --yes' },
    { note: 'what a clean-up of idle keys would revoke', command: 'keywarden revoke --unused-for 90d --dry-run' },
    { note: 'every expired key', command: 'keywarden revoke --expired --yes' },
  ],
  load: async () => (await import('./revoke.js')).run,
};
