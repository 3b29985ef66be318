import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../src/context.js';
import { binPath } from './binary.js';

const driver = fileURLToPath(new URL('./pty-run.py', import.meta.url));

export interface PtyResult {
  code: number;
  /** everything the terminal showed, echo included */
  output: string;
  unanswered: string[];
}

/**
 * Runs the built keywarden in a real pseudo-terminal (python3's pty module); each step waits for text on the
 * screen, then types. Asynchronous, so a sandbox in the test's own process keeps answering.
 */
export async function runInTerminal(
  args: string[],
  env: Env,
  steps: [expect: string, send: string][],
  options: TerminalOptions = {},
): Promise<PtyResult> {
  return runArgvInTerminal([process.execPath, binPath, ...args], env, steps, options);
}

export interface TerminalOptions {
  /** the terminal's width; without it, the pseudo-terminal reports none */
  columns?: number;
}

/** Any command line in a real pseudo-terminal: a shell pipeline through `sh -c`, say. */
export async function runArgvInTerminal(
  argv: string[],
  env: Env,
  steps: [expect: string, send: string][] = [],
  options: TerminalOptions = {},
): Promise<PtyResult> {
  const spec = { argv, env: { ...env, TERM: 'xterm' }, steps, columns: options.columns };
  const { stdout } = await promisify(execFile)('python3', [driver, JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(stdout) as PtyResult;
}
