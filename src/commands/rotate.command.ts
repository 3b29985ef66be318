import type { CommandSpec } from '../cli/spec.js';
import { deliverOption } from './create.command.js';

export const rotateCommand: CommandSpec = {
  name: 'rotate',
  group: 'keys',
  summary: 'a new key, stored and delivered, then the old one revoked; journaled and resumable',
  description:
    'Creates a key like the old one, stores its secret, runs --deliver, waits for --verify-use and --grace, then revokes the old key. Each step is journaled before the next begins, so an interrupted rotation is finished with --resume and never leaves the old key revoked before the new one works.',
  arguments: [{ name: '[key]', description: 'the key to rotate: id, unique id prefix or unique name', completes: 'keys' }],
  options: [
    deliverOption,
    { flags: '--verify-use [timeout]', description: 'wait until the new key is used before revoking the old one (default 10m)' },
    { flags: '--grace <duration>', description: 'wait this long before revoking the old key' },
    { flags: '--keep-old', description: 'do not revoke the old key' },
    { flags: '--name <name>', description: 'the name of the new key (default: the old key name)' },
    { flags: '--store <store>', description: 'where the new secret goes: keychain (default) or file', choices: ['keychain', 'file'] },
    { flags: '--older-than <duration>', description: 'rotate every key older than this, one journal each' },
    { flags: '--resume [id]', description: 'finish an interrupted rotation; without an id, the only unfinished one' },
    { flags: '--list', description: 'the rotations on record, newest first, with the step each is at' },
    { flags: '--abort <id>', description: 'end an unfinished rotation: an undelivered new key is revoked, the old key left' },
    { flags: '--dry-run', description: 'show the plan, change nothing' },
  ],
  examples: [
    { note: 'the steps a rotation would take', command: 'keywarden rotate "Billing worker" --dry-run' },
    { note: 'deliver the new key, wait until it is used, then revoke the old one', command: 'keywarden rotate "Billing worker" --deliver ./update-secret.sh --verify-use 5m --yes' },
    { note: 'every key older than 90 days, the old ones left for you to retire', command: 'keywarden rotate --older-than 90d --keep-old --yes' },
    { note: 'the rotations on record', command: 'keywarden rotate --list' },
  ],
  load: async () => (await import('./rotate.js')).run,
};
