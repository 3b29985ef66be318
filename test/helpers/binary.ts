import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../src/context.js';
import { capturedOutput } from './cli.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = fileURLToPath(new URL('../../bin/keywarden.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../../dist/main.js', import.meta.url)))) {
    throw new Error('dist/ is missing: run the tests with npm test, which builds first');
  }
}

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

export interface SpawnOptions {
  env: Env;
  stdin?: string;
  nodeArgs?: string[];
  cwd?: string;
  /** the run is meant to print a secret: its output is not scanned for leaks */
  revealsSecret?: boolean;
}

/** Starts the built binary as a real process. */
export function spawnBin(args: string[], options: SpawnOptions): Spawned {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(options.stdin ?? '');
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (!options.revealsSecret) capturedOutput.push(out, err);
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

export async function runBin(
  args: string[],
  options: Parameters<typeof spawnBin>[1],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnBin(args, options);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Resolves with the first line the process prints on stdout. */
export function firstLine(run: Spawned): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const text = run.stdout();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    };
    run.child.stdout!.on('data', check);
    void run.exit.then(() => reject(new Error(`exited before printing a line: ${run.stderr()}`)));
  });
}
