import type { CommandSpec } from '../cli/spec.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  group: 'more',
  summary: 'check the keychain, the folders keywarden keeps state in, and each profile',
  description:
    "Checks what keywarden depends on, one line each: the Node.js version; the OS keychain (reachable, writable, which backend); the config, state and data folders and their files (yours, and private: 0700 and 0600); and for each profile (only the one named with --profile or --provider), that an admin token is found, that a list request is answered, and that this machine's clock agrees with the provider's. Exit 1 when a check fails.",
  examples: [
    { note: 'every check', command: 'keywarden doctor' },
    { note: 'as JSON, for a support request', command: 'keywarden doctor -o json' },
  ],
  load: async () => (await import('./doctor.js')).run,
};
