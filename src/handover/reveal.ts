import type { Context } from '../context.js';
import { describeKey } from '../render/keys.js';
import type { Key } from '../providers/types.js';
import type { Terminal } from '../render/terminal.js';
import type { Handover } from './destination.js';

/**
 * Under GitHub Actions a secret about to be printed is first registered as a mask, so the runner hides it in the
 * log. Written raw to stderr (the runner reads workflow commands on both streams; stdout may be captured by the
 * caller) and past the redactor, which would otherwise mask the mask.
 */
export function maskForGitHubActions(ctx: Context, secret: string): void {
  if (ctx.env.GITHUB_ACTIONS === 'true') ctx.runtime.streams.stderr.write(`::add-mask::${secret}\n`);
}

/** The secret, once, in a box that says it will not be shown again and where it went. */
export function secretBox(term: Terminal, key: Key, secret: string, handover: Handover): string {
  const { chalk } = term;
  const title = `New ${key.provider} key ${describeKey(key)}`;
  const where = handover.stored
    ? `Stored in ${handover.stored}`
    : handover.delivered
      ? 'Delivered by --deliver; not stored by keywarden'
      : chalk.red.bold('NOT STORED ANYWHERE: copy it now or revoke the key');
  const lines = [title, '', `  ${chalk.bold(secret)}`, '', chalk.yellow('Copy it now: it will not be shown again.'), where];
  const visible = (text: string): number => text.replace(/\u001b\[[0-9;]*m/g, '').length;
  const width = Math.max(...lines.map(visible)) + 2;
  const row = (text: string): string => `│ ${text}${' '.repeat(width - visible(text) - 1)}│`;
  return [`┌${'─'.repeat(width)}┐`, ...lines.map(row), `└${'─'.repeat(width)}┘`, ''].join('\n');
}
