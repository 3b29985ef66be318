import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';
import type { Env, Runtime } from '../../src/context.js';
import { Interrupts } from '../../src/interrupts.js';
import { systemClock } from '../../src/util/clock.js';
import type { RetryPolicy } from '../../src/http/retry.js';
import type { Prompter } from '../../src/prompt.js';
import { testKeychain } from './keychain.js';

export interface RunOptions {
  env?: Env;
  /** text piped to stdin */
  stdin?: string;
  /** pretend stdout (and stderr, stdin) are terminals */
  tty?: boolean;
  /** the terminal's width, with tty (default 160) */
  columns?: number;
  now?: () => Date;
  /** the timer that goes with `now`; a fake clock advances itself here */
  sleep?: Runtime['sleep'];
  /** the run's interrupts, so a test can press Ctrl-C in process */
  interrupts?: Interrupts;
  retryPolicy?: RetryPolicy;
  prompter?: Prompter;
  secretStores?: Runtime['secretStores'];
  /** the OS keychain for this run, where the test file otherwise uses one in memory (see testKeychain) */
  realKeychain?: boolean;
  /** how keywarden's files are read and written (a disk that fills up) */
  files?: Runtime['files'];
  /** the user keywarden runs as, to see files as another user's */
  uid?: number;
  /** the run is meant to print a secret: its output is not scanned for leaks */
  revealsSecret?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every captured stdout and stderr of the run, for the test that scans them all for secrets. */
export const capturedOutput: string[] = [];

/** A private HOME and XDG dirs, so a test never touches the person's own config or keychain index. */
export function isolatedEnv(extra: Env = {}): Env {
  const home = mkdtempSync(join(tmpdir(), 'kw-test-'));
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_DATA_HOME: join(home, 'data'),
    PATH: process.env.PATH,
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR,
    ...extra,
  };
}

function stream(tty: boolean, columns = 160): PassThrough & { isTTY?: boolean; columns?: number } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (tty) {
    s.isTTY = true;
    s.columns = columns;
  }
  return s;
}

/** Runs the CLI in process, as `keywarden <argv>` would, with its own streams, environment and clock. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = stream(options.tty ?? false, options.columns);
  const stderr = stream(options.tty ?? false, options.columns);
  const stdin = stream(options.tty ?? false);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else if (!options.tty) stdin.end();
  const runtime: Runtime = {
    streams: { stdout, stderr, stdin },
    env: options.env ?? isolatedEnv(),
    platform: process.platform,
    now: options.now ?? systemClock.now,
    sleep: options.sleep ?? systemClock.sleep,
    interrupts: options.interrupts ?? new Interrupts(),
    retryPolicy: options.retryPolicy ?? {
      maxAttempts: 3,
      baseDelayMs: 5,
      maxDelayMs: 20,
      maxTotalMs: 2_000,
      random: Math.random,
      now: Date.now,
    },
    prompter: options.prompter,
    secretStores: { keychain: options.realKeychain ? undefined : testKeychain(), ...options.secretStores },
    files: options.files,
    uid: options.uid,
  };
  const code = await main(argv, runtime, '0.0.0-test');
  await new Promise((resolve) => setImmediate(resolve));
  if (!options.revealsSecret) capturedOutput.push(out, err);
  return { code, stdout: out, stderr: err };
}
