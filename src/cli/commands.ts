import { readFileSync } from 'node:fs';
import { declaration, type CommandSpec, type Declaration } from '../command-spec.js';

/**
 * Every command, in the order help lists them. A module is loaded only to run one of its commands, or when
 * keywarden is built, to write the index of declarations that help and completion read instead.
 */
export const commandModules: readonly { name: string; load: () => Promise<CommandSpec> }[] = [
  { name: 'list', load: async () => (await import('../commands/list.js')).listCommand },
  { name: 'create', load: async () => (await import('../commands/create.js')).createCommand },
  { name: 'revoke', load: async () => (await import('../commands/revoke.js')).revokeCommand },
  { name: 'rotate', load: async () => (await import('../commands/rotate.js')).rotateCommand },
  { name: 'audit', load: async () => (await import('../commands/audit.js')).auditCommand },
  { name: 'respond', load: async () => (await import('../commands/respond.js')).respondCommand },
  { name: 'profile', load: async () => (await import('../commands/profile.js')).profileCommand },
  { name: 'login', load: async () => (await import('../commands/login.js')).loginCommand },
  { name: 'logout', load: async () => (await import('../commands/login.js')).logoutCommand },
  { name: 'providers', load: async () => (await import('../commands/providers.js')).providersCommand },
  { name: 'doctor', load: async () => (await import('../commands/doctor.js')).doctorCommand },
  { name: 'sandbox', load: async () => (await import('../commands/sandbox.js')).sandboxCommand },
  { name: 'completion', load: async () => (await import('../commands/completion.js')).completionCommand },
];

/** Where the build writes the index: beside this module in dist/. */
export const indexUrl = new URL('./commands.json', import.meta.url);

/** Every command's declaration, from every module: what the build writes to the index. */
export async function declarationsFromModules(): Promise<Declaration[]> {
  return Promise.all(commandModules.map(async (module) => declaration(await module.load())));
}

/**
 * The declarations help, completion and the command tree are built from: the built index, which loads no command
 * code; from the sources (which the tests run without building), the modules themselves.
 */
export async function commandDeclarations(): Promise<Declaration[]> {
  let text: string;
  try {
    text = readFileSync(indexUrl, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return declarationsFromModules();
  }
  return JSON.parse(text) as Declaration[];
}

/** The command at a path of names (`['profile', 'add']`), with its code. */
export async function loadCommand(path: readonly string[]): Promise<CommandSpec> {
  const [top, ...rest] = path;
  const module = commandModules.find((m) => m.name === top);
  if (!module) throw new Error(`no command ${top}`);
  let spec = await module.load();
  for (const name of rest) {
    const sub = spec.subcommands?.find((s) => s.name === name);
    if (!sub) throw new Error(`no command ${path.join(' ')}`);
    spec = sub;
  }
  return spec;
}
