import type { Context } from './context.js';
import { AuthError } from './errors.js';
import type { Profile } from './profiles.js';
import type { Provider } from './providers/types.js';
import { tokenEnvName } from './secrets/keeper.js';

export { tokenEnvName };

/**
 * The admin token for a profile, looked up in order: KEYWARDEN_TOKEN_<P>, KEYWARDEN_TOKEN, then the secret store
 * (service keywarden, account <P>). The keeper registers whatever it finds for redaction at once.
 */
export async function adminToken(ctx: Context, profile: Profile): Promise<string> {
  const token = await ctx.keeper.adminToken(profile);
  if (!token) {
    throw new AuthError(
      `no admin token for profile '${profile.name}'`,
      `run keywarden login --profile ${profile.name}, or set ${tokenEnvName(profile.name)} (or KEYWARDEN_TOKEN)`,
    );
  }
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
