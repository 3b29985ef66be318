import type { CommandSpec, OptionSpec } from '../cli/spec.js';

/** Where a new secret goes: create and rotate share these. */
export const storeOption: OptionSpec = { flags: '--store <store>', description: 'where the secret goes: keychain (default), file or none', choices: ['keychain', 'file', 'none'] };
export const deliverOption: OptionSpec = {
  flags: '--deliver <command>',
  description: 'run through the shell with the secret on stdin (KEYWARDEN_KEY_ID, KEYWARDEN_KEY_NAME, KEYWARDEN_PROFILE set)',
};

export const createCommand: CommandSpec = {
  name: 'create',
  group: 'keys',
  summary: 'create a key; its secret is stored before anything is printed',
  description:
    'Creates a key at the provider. Where the secret will go is checked before the provider is called: the keychain by default, an encrypted file, a --deliver command, or --reveal. On a terminal the secret is shown once in a box; in a pipe only the key id is printed, unless --reveal.',
  arguments: [{ name: '<name>', description: 'the name of the new key' }],
  options: [
    { flags: '--scopes <list>', description: 'comma-separated scopes or permissions' },
    { flags: '--environment <env>', description: 'live or test', choices: ['live', 'test'] },
    { flags: '--expires-in <duration>', description: 'expire after this long, e.g. 90d' },
    { flags: '--expires-at <date>', description: 'expire at this ISO 8601 date' },
    { flags: '--expire-now', description: 'create the key already expired (DialNexa)' },
    { flags: '--principal <id>', description: 'the principal the key belongs to (Cobo)' },
    { flags: '--ip-allowlist <list>', description: 'comma-separated IPs or CIDRs allowed to use the key' },
    storeOption,
    deliverOption,
    { flags: '--reveal', description: 'print the secret even when stdout is not a terminal' },
  ],
  examples: [
    { note: 'a key that expires in 90 days, its secret in the keychain', command: 'keywarden create "ci deploy" --scopes dns:read --expires-in 90d' },
    { note: 'hand the secret to your own script on its stdin', command: 'keywarden create "billing worker" --environment live --ip-allowlist 203.0.113.0/24 --deliver ./update-secret.sh' },
    { note: 'the secret alone on stdout, stored nowhere', command: 'keywarden create "one-off test" --store none --reveal' },
  ],
  load: async () => (await import('./create.js')).run,
};
