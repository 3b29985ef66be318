import { fstatSync, statSync } from 'node:fs';
import { main } from './cli.js';
import type { Runtime } from './context.js';
import { ExitCode } from './errors.js';
import { Interrupts } from './interrupts.js';
import { systemClock } from './util/clock.js';

/** How long a forced stop may take to wind down before the process ends regardless. */
const forcedStopMs = 3_000;

/**
 * The real process: its streams, environment and signals. Ctrl-C and SIGTERM stop the run, after any step that
 * holds a new secret has made it safe (see Interrupts); a second one while nothing is guarded ends the process.
 */
export async function runProcess(argv: string[], version: string): Promise<number> {
  const interrupts = new Interrupts();
  const onSignal = (): void => {
    const outcome = interrupts.interrupt();
    if (outcome === 'insisting') process.exit(ExitCode.interrupted);
    if (outcome === 'forced') setTimeout(() => process.exit(ExitCode.interrupted), forcedStopMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runtime: Runtime = {
    streams: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
    env: process.env,
    platform: process.platform,
    now: systemClock.now,
    sleep: systemClock.sleep,
    interrupts,
    stdoutDiscarded: isNullDevice(1),
  };
  try {
    return await main(argv, runtime, version);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Whether a file descriptor is /dev/null: what Node makes of a stdout the shell closed (`>&-`), and where a secret
 * printed would be lost without a trace.
 */
function isNullDevice(fd: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    const it = fstatSync(fd);
    const nul = statSync('/dev/null');
    return it.isCharacterDevice() && it.rdev === nul.rdev;
  } catch {
    return false;
  }
}
