import { spawn } from 'node:child_process';
import type { Context } from '../context.js';
import { InterruptedError, KeywardenError } from '../errors.js';
import type { Key } from '../providers/types.js';
import type { Secret } from '../secrets/secret.js';

export class DeliveryError extends KeywardenError {}

/**
 * Runs the --deliver command through the shell with the secret on its stdin (never in argv or env) and the key's
 * id, name and profile in its environment, which holds none of keywarden's own credentials. What the command
 * prints goes to our stderr, masked and made inert, so stdout keeps only keywarden's result. `signal` (a guarded
 * step's) stops the command only when the person insists.
 */
export async function deliver(
  ctx: Context,
  command: string,
  key: Key,
  secret: Secret,
  signal?: AbortSignal,
): Promise<void> {
  const child = spawn(command, {
    shell: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...ctx.childEnv(),
      KEYWARDEN_KEY_ID: key.id,
      KEYWARDEN_KEY_NAME: key.name ?? '',
      KEYWARDEN_PROFILE: key.profile,
    },
    signal,
  });
  const relays = [child.stdout, child.stderr].map((stream) => {
    const lines = ctx.output.messageLines('deliver: ');
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.push(chunk));
    return new Promise<void>((resolve) =>
      stream.on('close', () => {
        lines.end();
        resolve();
      }),
    );
  });
  // stopped without waiting: what the command started in the background may hold its output open; stop listening
  signal?.addEventListener('abort', () => [child.stdout, child.stderr].forEach((stream) => stream.destroy()), {
    once: true,
  });
  child.stdin.on('error', () => undefined); // a command that does not read stdin closes it early; its exit code decides
  child.stdin.end(`${secret.expose()}\n`);
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
    },
  );
  await Promise.all(relays);
  if (signal?.aborted) throw new InterruptedError('--deliver was stopped before it finished');
  if (outcome.error) throw new DeliveryError(`--deliver could not start: ${outcome.error.message}`);
  if (outcome.code !== 0) {
    throw new DeliveryError(
      `--deliver command failed (${outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`})`,
    );
  }
}
