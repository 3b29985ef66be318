import type { Context } from '../context.js';
import { done, type Outcome } from '../outcome.js';
import type { Profile } from '../profiles.js';

export interface ProfileFailure {
  profile: string;
  error: string;
}

/**
 * Runs work for several profiles at once. With one profile its error simply propagates; with several, a profile
 * that fails is reported on stderr and the others complete, and the outcome says which failed.
 */
export async function forEachProfile(
  ctx: Context,
  profiles: Profile[],
  work: (profile: Profile) => Promise<void>,
): Promise<{ outcome: Outcome; failures: ProfileFailure[] }> {
  if (profiles.length === 1) {
    await work(profiles[0]!);
    return { outcome: done, failures: [] };
  }
  const settled = await Promise.allSettled(profiles.map((profile) => work(profile)));
  const failures: ProfileFailure[] = [];
  const errors: Error[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const error = result.reason as Error;
    const profile = profiles[i]!.name;
    ctx.note(`keywarden: profile ${profile}: ${error.message}`);
    failures.push({ profile, error: error.message });
    errors.push(error);
  });
  const outcome: Outcome =
    errors.length === 0 ? done : { kind: 'profiles-failed', errors, every: errors.length === profiles.length };
  return { outcome, failures };
}
