import type { Context } from '../context.js';
import { ExitCode, KeywardenError } from '../errors.js';
import type { Profile } from '../profiles.js';

export interface ProfileFailure {
  profile: string;
  error: string;
}

/**
 * Runs work for several profiles at once. With one profile its error simply propagates; with several, a profile
 * that fails is reported on stderr and the others complete. The exit code: 0; the code all profiles failed with,
 * when every one failed the same way (say, all 401); else 1 for a partial failure.
 */
export async function forEachProfile(
  ctx: Context,
  profiles: Profile[],
  work: (profile: Profile) => Promise<void>,
): Promise<{ exitCode: number; failures: ProfileFailure[] }> {
  if (profiles.length === 1) {
    await work(profiles[0]!);
    return { exitCode: ExitCode.ok, failures: [] };
  }
  const outcomes = await Promise.allSettled(profiles.map((profile) => work(profile)));
  const failures: ProfileFailure[] = [];
  const codes: number[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    const error = outcome.reason as Error;
    const profile = profiles[i]!.name;
    ctx.note(`keywarden: profile ${profile}: ${error.message}`);
    failures.push({ profile, error: error.message });
    codes.push(error instanceof KeywardenError ? error.exitCode : ExitCode.failure);
  });
  const exitCode =
    codes.length === 0 ? ExitCode.ok : codes.length === profiles.length && codes.every((c) => c === codes[0]) ? codes[0]! : ExitCode.failure;
  return { exitCode, failures };
}
