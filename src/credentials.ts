import type { Context } from './context.js';
import { AuthError, UsageError } from './errors.js';
import type { Profile } from './profiles.js';
import type { Provider, ProviderInfo } from './providers/types.js';
import { tokenEnvName } from './secrets/keeper.js';

export { tokenEnvName };

/**
 * The admin token for a profile, looked up in order: KEYWARDEN_TOKEN_<P>, KEYWARDEN_TOKEN, then the secret store
 * (service keywarden, account <P>). The keeper registers whatever it finds for redaction at once.
 */
export async function adminToken(ctx: Context, profile: Profile): Promise<string> {
  const token = await ctx.services.keeper.adminToken(profile);
  if (!token) {
    // a profile only this run knows of is made by login itself, from the same --provider and --base-url
    const login = profile.configured
      ? `keywarden login --profile ${profile.name}`
      : `keywarden login --provider ${profile.provider}${ctx.globals.baseUrl ? ` --base-url ${profile.baseUrl}` : ''}`;
    throw new AuthError(
      `no admin token for profile '${profile.name}'`,
      `run ${login}, or set ${tokenEnvName(profile.name)} (or KEYWARDEN_TOKEN)`,
    );
  }
  return token;
}

/** The profile's provider, connected with its admin token; every listing of it counts its pages on the status line. */
export async function connect(ctx: Context, profile: Profile): Promise<Provider> {
  const token = await adminToken(ctx, profile);
  const provider = profile.definition.connect({
    baseUrl: profile.baseUrl,
    token,
    settings: profile.settings,
    http: await ctx.services.http(),
    now: () => ctx.now(),
    pageConcurrency: ctx.settings.pageConcurrency,
  });
  const listPages = () => provider.listPages();
  return {
    ...provider,
    async *listPages() {
      const { displayName, id } = profile.definition;
      const listing = ctx.progress.listing(profile.name === id ? displayName : `${profile.name} (${displayName})`);
      try {
        for await (const page of listPages()) {
          listing.page(page.length);
          yield page;
        }
      } finally {
        listing.done();
      }
    },
  };
}

/**
 * The secrets a provider's create asks for besides the admin token (npm's account password, a one-time password):
 * from their environment variables, or typed hidden on a terminal; never from a flag. Each is tainted at once, and
 * none is stored or journaled: a resumed rotation asks again.
 */
export async function createCredentials(ctx: Context, definition: ProviderInfo): Promise<Record<string, string>> {
  const given: Record<string, string> = {};
  for (const credential of definition.credentials) {
    let value = ctx.env[credential.env];
    if (!value && credential.prompt && ctx.interactive) value = await ctx.prompter.secret(credential.prompt);
    if (!value) {
      if (!credential.required) continue;
      throw new UsageError(
        `${definition.id} needs ${credential.description} to create a key`,
        credential.prompt
          ? `set ${credential.env} (it is asked for hidden on a terminal, but ${ctx.whyNoQuestions})`
          : `set ${credential.env}`,
      );
    }
    ctx.services.keeper.taint(value);
    given[credential.name] = value;
  }
  return given;
}
