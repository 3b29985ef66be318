import type { Context } from '../context.js';
import { ExitCode, KeywardenError } from '../errors.js';
import type { Profile } from '../profiles.js';

/**
 * Runs work for several profiles at once. With one profile its error simply propagates; with several, a profile
 * that fails is reported on stderr and the others complete. Returns the exit code for the whole.
 */
export async function forEachProfile(ctx: Context, profiles: Profile[], work: (profile: Profile) => Promise<void>): Promise<number> {
  if (profiles.length === 1) {
    await work(profiles[0]!);
    return ExitCode.ok;
  }
  const outcomes = await Promise.allSettled(profiles.map((profile) => work(profile)));
  const codes: number[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    const error = outcome.reason as Error;
    ctx.note(`keywarden: profile ${profiles[i]!.name}: ${error.message}`);
    codes.push(error instanceof KeywardenError ? error.exitCode : ExitCode.failure);
  });
  if (codes.length === 0) return ExitCode.ok;
  return codes.every((c) => c === codes[0]) && codes.length === profiles.length ? codes[0]! : ExitCode.failure;
}
