import { setMaxListeners } from 'node:events';
import { main } from './cli.js';
import type { Runtime } from './context.js';
import { ExitCode, InterruptedError } from './errors.js';

/** The real process: its streams, environment and signals. Ctrl-C aborts what is in flight and exits 130. */
export async function runProcess(argv: string[], version: string): Promise<number> {
  const controller = new AbortController();
  // each request in flight listens for the abort (up to --concurrency 64, and profiles at once): not a leak
  setMaxListeners(0, controller.signal);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted); // a second Ctrl-C: stop now
    interrupted = signal === 'SIGINT';
    controller.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runtime: Runtime = {
    streams: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
    env: process.env,
    platform: process.platform,
    now: () => new Date(),
    signal: controller.signal,
  };
  const code = await main(argv, runtime, version);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return interrupted ? ExitCode.interrupted : code;
}
