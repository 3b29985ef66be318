import type { CommandSpec } from '../cli/spec.js';

export const providersCommand: CommandSpec = {
  name: 'providers',
  group: 'setup',
  summary: 'the built-in providers: default base URLs, settings and what each can do',
  examples: [
    { note: 'every built-in provider', command: 'keywarden providers' },
    { note: 'as JSON, capabilities included', command: 'keywarden providers -o json' },
  ],
  load: async () => (await import('./providers.js')).run,
  subcommands: [
    {
      name: 'validate',
      summary: 'check a provider manifest and show the requests it would send, sending none',
      arguments: [{ name: '<file>', description: 'the manifest, e.g. ./acme.json', completes: 'files' }],
      examples: [{ note: "a built-in provider's manifest and its request plan", command: 'keywarden providers validate manifests/twilio.json' }],
      load: async () => (await import('./providers-validate.js')).run,
    },
  ],
};
