import type { CommandSpec, OptionSpec } from '../cli/spec.js';

const setOption: OptionSpec = { flags: '--set <name=value>', description: 'a setting its provider needs, e.g. account_sid=AC...; repeat for more', repeatable: true };
const storeOption: OptionSpec = { flags: '--store <store>', description: 'where its secrets go: keychain (default) or file', choices: ['keychain', 'file'] };
const name = { name: '<name>', description: 'the profile', completes: 'profiles' } as const;

export const profileCommand: CommandSpec = {
  name: 'profile',
  group: 'setup',
  summary: 'profiles in the config file: a provider, its base URL, settings and secret store',
  examples: [{ note: 'the profiles, the current one marked', command: 'keywarden profile list' }],
  subcommands: [
    {
      name: 'list',
      summary: 'the profiles, the current one marked',
      examples: [{ note: 'as JSON', command: 'keywarden profile list -o json' }],
      load: async () => (await import('./profile.js')).list,
    },
    {
      name: 'add',
      summary: 'add a profile for a provider',
      description: 'Adds a profile: a provider (built in, or a manifest path), its base URL where it is not the default, the settings the provider needs and where secrets go. The first profile becomes the current one.',
      arguments: [{ name: '<name>', description: 'the new profile' }],
      options: [storeOption, setOption],
      examples: [
        { note: 'a provider at its default base URL', command: 'keywarden profile add billing --provider dialnexa' },
        { note: 'Twilio, with the account its keys belong to', command: 'keywarden profile add sms --provider twilio --set account_sid=AC0123456789abcdef0123456789abcdef' },
        { note: 'a self-hosted API, its secrets in the encrypted file', command: 'keywarden profile add internal --provider edgedns --base-url https://edgedns.internal.example/v1 --store file' },
      ],
      load: async () => (await import('./profile.js')).add,
    },
    {
      name: 'set',
      summary: 'change a profile in place; its stored admin token stays',
      arguments: [name],
      options: [storeOption, setOption],
      examples: [{ note: 'point a profile at another base URL', command: 'keywarden profile set prod --base-url https://edgedns.eu.example/v1' }],
      load: async () => (await import('./profile.js')).set,
    },
    {
      name: 'remove',
      summary: 'remove a profile and its stored admin token',
      arguments: [name],
      examples: [{ note: 'the staging profile', command: 'keywarden profile remove staging' }],
      load: async () => (await import('./profile.js')).remove,
    },
    {
      name: 'use',
      summary: 'make a profile the current one',
      arguments: [name],
      examples: [{ note: 'commands without --profile use staging from now on', command: 'keywarden profile use staging' }],
      load: async () => (await import('./profile.js')).use,
    },
  ],
};
