import type { Context } from './context.js';
import { AuthError } from './errors.js';
import type { Profile } from './profiles.js';
import type { Provider } from './providers/types.js';

/** `KEYWARDEN_TOKEN_<PROFILE>`: the profile upper-cased, every other character as `_`. */
export function tokenEnvName(profile: string): string {
  return `KEYWARDEN_TOKEN_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The admin token for a profile, looked up in the contract's order: KEYWARDEN_TOKEN_<P>, KEYWARDEN_TOKEN, then the
 * secret store (service keywarden, account <P>). Whatever is found is registered for redaction at once.
 */
export async function adminToken(ctx: Context, profile: Profile): Promise<string> {
  const fromEnv = ctx.env[tokenEnvName(profile.name)] || ctx.env.KEYWARDEN_TOKEN;
  const token = fromEnv || (await ctx.storedAdminToken(profile));
  if (!token) {
    throw new AuthError(
      `no admin token for profile '${profile.name}'`,
      `run keywarden login --profile ${profile.name}, or set ${tokenEnvName(profile.name)} (or KEYWARDEN_TOKEN)`,
    );
  }
  ctx.redactor.add(token);
  return token;
}

export async function connect(ctx: Context, profile: Profile): Promise<Provider> {
  const token = await adminToken(ctx, profile);
  return profile.definition.connect({
    baseUrl: profile.baseUrl,
    token,
    http: await ctx.http(),
    now: () => ctx.now(),
    pageConcurrency: ctx.pageConcurrency,
  });
}
