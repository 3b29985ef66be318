import type { Context } from '../context.js';
import type { Key } from '../providers/types.js';
import { describeKey } from '../render/keys.js';
import type { Style } from '../render/style.js';
import { displayWidth } from '../render/width.js';
import type { Secret } from '../secrets/secret.js';
import type { Handover } from './destination.js';

/**
 * The only ways a secret is shown: the one-time box on a terminal, the secret alone or in JSON with --reveal, and
 * the last resort on stderr when nothing else took it. Each goes through Output.reveal, which registers a GitHub
 * Actions mask first and shows a secret at most once.
 */

/**
 * The secret, once, in a box that says it will not be shown again and where it went. On a terminal too narrow for
 * the box, the same lines without it, each whole: the secret on a line of its own, copied in one piece.
 */
export function secretBox(style: Style, key: Key, secret: Secret, handover: Handover, width?: number): string {
  const { chalk } = style;
  const title = `New ${key.provider} key ${describeKey(key)}`;
  const where = handover.stored
    ? `Stored in ${handover.stored}`
    : handover.delivered
      ? 'Delivered by --deliver; not stored by keywarden'
      : chalk.red.bold('NOT STORED ANYWHERE: copy it now or revoke the key');
  const warning = chalk.yellow('Copy it now: it will not be shown again.');
  const value = secret.expose();
  const inner = Math.max(displayWidth(title), displayWidth(value) + 2, displayWidth(warning), displayWidth(where)) + 2;
  if (width !== undefined && inner + 2 > width)
    return [title, '', chalk.bold(value), '', warning, where, ''].join('\n');
  const lines = [title, '', `  ${chalk.bold(value)}`, '', warning, where];
  const row = (text: string): string => `│ ${text}${' '.repeat(inner - displayWidth(text) - 1)}│`;
  return [`┌${'─'.repeat(inner)}┐`, ...lines.map(row), `└${'─'.repeat(inner)}┘`, ''].join('\n');
}

/**
 * The last way a secret reaches the person, when it could go nowhere else (no store took it, stdout was closed,
 * the person stopped keywarden while it held it): on stderr, once, after a line that says why.
 */
export async function revealAsLastResort(
  ctx: Context,
  key: Pick<Key, 'id' | 'name'>,
  secret: Secret,
  why: string,
): Promise<void> {
  ctx.note(`keywarden: ${why}; the secret of ${describeKey(key)} follows, and will not be shown again:`);
  await ctx.output.reveal(`${secret.expose()}\n`, secret, 'stderr');
}
