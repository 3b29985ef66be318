import type { CommandSpec } from '../cli/spec.js';

export const loginCommand: CommandSpec = {
  name: 'login',
  group: 'setup',
  summary: "store the profile's admin token in the secret store",
  description:
    "Reads the admin token hidden from a terminal, or from stdin when piped (never from a flag), checks it with one list request, and stores it in the profile's secret store. KEYWARDEN_TOKEN_<PROFILE> and KEYWARDEN_TOKEN are used before a stored token.",
  examples: [
    { note: 'the token piped in (or typed hidden), checked, then stored', command: 'keywarden login -p prod', readsToken: true },
  ],
  load: async () => (await import('./login.js')).login,
};

export const logoutCommand: CommandSpec = {
  name: 'logout',
  group: 'setup',
  summary: "remove the profile's stored admin token",
  examples: [{ note: "forget prod's stored token", command: 'keywarden logout -p prod' }],
  load: async () => (await import('./login.js')).logout,
};
