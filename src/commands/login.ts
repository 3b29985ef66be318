import type { Context } from '../context.js';
import { AuthError, UsageError } from '../errors.js';
import { resolveProfile, type Profile } from '../profiles.js';
import { ProviderError } from '../providers/errors.js';
import { tokenEnvName } from '../credentials.js';
import { done, type Outcome } from '../outcome.js';
import { command } from '../command-spec.js';

export const loginCommand = command({
  name: 'login',
  group: 'setup',
  summary: "store the profile's admin token in the secret store",
  description:
    "Reads the admin token hidden from a terminal, or from stdin when piped (never from a flag), checks it with one list request, and stores it in the profile's secret store. KEYWARDEN_TOKEN_<PROFILE> and KEYWARDEN_TOKEN are used before a stored token.",
  examples: [
    {
      note: 'the token piped in (or typed hidden), checked, then stored',
      command: 'keywarden login -p prod',
      readsToken: true,
    },
  ],
  run: login,
});

export const logoutCommand = command({
  name: 'logout',
  group: 'setup',
  summary: "remove the profile's stored admin token",
  examples: [{ note: "forget prod's stored token", command: 'keywarden logout -p prod' }],
  run: logout,
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** The token, typed hidden at a terminal or piped on stdin; never from a flag or argv. */
async function readToken(ctx: Context, profile: Profile): Promise<string> {
  const { stdin } = ctx.runtime.streams;
  let token: string;
  if (stdin.isTTY) {
    if (!ctx.interactive)
      throw new UsageError(
        'login reads the token from a terminal or from stdin',
        'pipe it in: keywarden login < token-file',
      );
    token = await ctx.prompter.secret(`Admin token for ${profile.name} (${profile.definition.displayName})`);
  } else {
    token = await readAll(stdin);
  }
  token = token.trim();
  if (token === '') throw new UsageError('no token given', stdin.isTTY ? undefined : 'pipe the token on stdin');
  if (/\s/.test(token)) throw new UsageError('the token contains whitespace; give exactly one token');
  return token;
}

/** Proves the token works with one list call before anything is stored. */
async function checkToken(ctx: Context, profile: Profile, token: string): Promise<void> {
  const provider = profile.definition.connect({
    baseUrl: profile.baseUrl,
    token,
    http: await ctx.services.http(),
    now: () => ctx.now(),
    pageConcurrency: 1,
  });
  const pages = provider.listPages()[Symbol.asyncIterator]();
  try {
    await pages.next();
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === 'auth' || error.kind === 'forbidden')) {
      throw new AuthError(`the token was not accepted, so it was not stored: ${error.message}`);
    }
    throw error;
  } finally {
    await pages.return?.();
  }
}

/** login: reads an admin token, checks it, stores it in the profile's secret store (account <profile>). */
async function login(ctx: Context): Promise<Outcome> {
  const profile = await resolveProfile(ctx);
  const token = await readToken(ctx, profile);
  ctx.services.keeper.taint(token);
  await checkToken(ctx, profile, token);
  const location = await ctx.services.keeper.keepAdminToken(profile, token);

  const config = await ctx.services.config.load();
  if (!config.profiles[profile.name] && ctx.globals.provider) {
    await ctx.services.config.update((c) => {
      c.profiles[profile.name] = {
        provider: profile.provider,
        ...(ctx.globals.baseUrl ? { base_url: profile.baseUrl } : {}),
      };
      c.current ??= profile.name;
    });
    ctx.note(`added profile ${profile.name}`);
  }
  ctx.note(
    `logged in: the admin token of profile ${profile.name} (${profile.definition.displayName}) is in ${location}`,
  );
  if (ctx.env[tokenEnvName(profile.name)] || ctx.env.KEYWARDEN_TOKEN) {
    ctx.note(
      `note: ${ctx.env[tokenEnvName(profile.name)] ? tokenEnvName(profile.name) : 'KEYWARDEN_TOKEN'} is set and is used before the stored token`,
    );
  }
  return done;
}

/** logout: removes the profile's stored admin token. */
async function logout(ctx: Context): Promise<Outcome> {
  const profile = await resolveProfile(ctx);
  const removed = await ctx.services.keeper.forgetAdminToken(profile);
  ctx.note(
    removed
      ? `logged out: removed the admin token of profile ${profile.name}`
      : `no stored admin token for profile ${profile.name}`,
  );
  return done;
}
