import { spawn } from 'node:child_process';
import type { Context } from '../context.js';
import { KeywardenError } from '../errors.js';
import type { Key } from '../providers/types.js';

export class DeliveryError extends KeywardenError {}

/**
 * Runs the --deliver command through the shell with the secret on its stdin (never in argv or env) and the key's
 * id, name and profile in its environment. What the command prints goes to our stderr, with any secret masked,
 * so stdout keeps only keywarden's result.
 */
export async function deliver(ctx: Context, command: string, key: Key, secret: string): Promise<void> {
  const child = spawn(command, {
    shell: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...(ctx.env as NodeJS.ProcessEnv),
      KEYWARDEN_KEY_ID: key.id,
      KEYWARDEN_KEY_NAME: key.name ?? '',
      KEYWARDEN_PROFILE: key.profile,
    },
  });
  const relay = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) ctx.note(`deliver: ${line}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  child.stdin.on('error', () => undefined); // a command that does not read stdin closes it early; its exit code decides
  child.stdin.end(`${secret}\n`);
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (outcome.error) throw new DeliveryError(`--deliver could not start: ${outcome.error.message}`);
  if (outcome.code !== 0) {
    throw new DeliveryError(`--deliver command failed (${outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`})`);
  }
}
