import type { AuditOptions } from '../../src/commands/audit.js';
import type { ProfileConfig } from '../../src/config/config.js';
import { ConfigStore } from '../../src/config/config.js';
import { platformDirs } from '../../src/config/paths.js';
import type { Env, GlobalOptions } from '../../src/context.js';
import { simulatedProviders, type Sandbox } from '../../src/sandbox/server.js';
import { isolatedEnv, runCli, type RunResult } from '../helpers/cli.js';

export type AuditRun = RunResult;

export interface Setup {
  env: Env;
  globals?: Pick<GlobalOptions, 'provider' | 'baseUrl' | 'output'>;
  now?: Date;
  /** pretend stdout (and stderr) are terminals */
  tty?: boolean;
}

const flag = (name: string, value: string | boolean | undefined): string[] =>
  value === undefined || value === false ? [] : value === true ? [name] : [name, value];

/** Runs `keywarden [globals] audit [options]` in process, with the setup's environment and clock. */
export function runAudit(options: AuditOptions, setup: Setup): Promise<AuditRun> {
  const { globals = {} } = setup;
  const argv = [
    ...flag('--provider', globals.provider),
    ...flag('--base-url', globals.baseUrl),
    ...flag('-o', globals.output),
    'audit',
    ...flag('--all-profiles', options.allProfiles),
    ...flag('--max-age', options.maxAge),
    ...flag('--max-idle', options.maxIdle),
    ...flag('--expiring-within', options.expiringWithin),
    ...flag('--policy', options.policy),
    ...flag('--fail-on', options.failOn),
    ...flag('--at', options.at),
    ...flag('--baseline', options.baseline),
    ...flag('--fail-on-new', options.failOnNew),
  ];
  const now = setup.now;
  return runCli(argv, {
    env: setup.env,
    tty: setup.tty,
    now: now ? () => now : undefined,
    retryPolicy: {
      maxAttempts: 2,
      baseDelayMs: 5,
      maxDelayMs: 20,
      maxTotalMs: 1_000,
      random: Math.random,
      now: Date.now,
    },
  });
}

/** A private environment whose config file holds the given profiles. */
export async function environmentWithProfiles(profiles: Record<string, ProfileConfig>, extra: Env = {}): Promise<Env> {
  const env = isolatedEnv(extra);
  await new ConfigStore(platformDirs(env).config).save({ profiles });
  return env;
}

/** A profile for each simulated provider, named after it, at the sandbox's simulator. */
export function simulatorProfiles(sandbox: Sandbox): Record<string, ProfileConfig> {
  return Object.fromEntries(simulatedProviders.map((p) => [p, { provider: p, base_url: sandbox.baseUrl(p) }]));
}
