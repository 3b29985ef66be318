import { PassThrough } from 'node:stream';
import { run, type AuditOptions } from '../../src/commands/audit.js';
import { Context, type Env, type GlobalOptions, type Runtime } from '../../src/context.js';
import { KeywardenError } from '../../src/errors.js';
import type { ProfileConfig } from '../../src/config/config.js';
import { capturedOutput, isolatedEnv } from '../helpers/cli.js';

export interface AuditRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Setup {
  env: Env;
  globals?: GlobalOptions;
  now?: Date;
  /** pretend stdout (and stderr) are terminals */
  tty?: boolean;
}

function runtimeFor(setup: Setup, stdout: PassThrough, stderr: PassThrough): Runtime {
  const stdin = new PassThrough();
  stdin.end();
  return {
    streams: { stdout, stderr, stdin },
    env: setup.env,
    platform: process.platform,
    now: () => setup.now ?? new Date(),
    signal: new AbortController().signal,
    retryPolicy: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 1_000, random: Math.random, now: Date.now },
  };
}

const stream = (tty: boolean): PassThrough => Object.assign(new PassThrough(), tty ? { isTTY: true, columns: 160 } : {});

/**
 * Calls the audit command's `run` in process, as src/cli.ts would once `audit` is registered there: a Context of
 * its own streams, environment and clock; an error becomes the contract's one line, a hint and its exit code.
 */
export async function runAudit(options: AuditOptions, setup: Setup): Promise<AuditRun> {
  const stdout = stream(setup.tty ?? false);
  const stderr = stream(setup.tty ?? false);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ctx = new Context(runtimeFor(setup, stdout, stderr), setup.globals ?? {});
  let code: number;
  try {
    code = await run(ctx, options);
  } catch (error) {
    if (!(error instanceof KeywardenError)) throw error;
    stderr.write(`keywarden: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    code = error.exitCode;
  } finally {
    await ctx.close();
  }
  await new Promise((resolve) => setImmediate(resolve));
  capturedOutput.push(out, err);
  return { code, stdout: out, stderr: err };
}

/** A private environment whose config file holds the given profiles. */
export async function environmentWithProfiles(profiles: Record<string, ProfileConfig>, extra: Env = {}): Promise<Env> {
  const env = isolatedEnv(extra);
  const ctx = new Context(runtimeFor({ env }, new PassThrough(), new PassThrough()), {});
  await ctx.config.save({ profiles });
  return env;
}
