import { Chalk, type ChalkInstance } from 'chalk';
import type { KeyStatus } from '../providers/types.js';
import { relativeTime } from '../util/time.js';
import { inert } from './inert.js';
import type { TableCell } from './table.js';

/**
 * How keywarden paints text for a person: colour at the run's level (none under --no-color, NO_COLOR or a pipe),
 * times relative to now. Provider text is made inert before it is painted, so colour comes only from keywarden.
 */
export class Style {
  readonly chalk: ChalkInstance;

  constructor(
    colorLevel: 0 | 1 | 2 | 3,
    private readonly now: () => Date,
  ) {
    this.chalk = new Chalk({ level: colorLevel });
  }

  /** Provider text as a cell, inert. */
  plain(text: string): TableCell {
    return { text: inert(text) };
  }

  /** A time as "3 days ago", or a dim word when there is none. */
  when(iso: string | null, absent = '-'): TableCell {
    return iso === null ? this.dim(absent) : { text: relativeTime(iso, this.now()) };
  }

  status(status: KeyStatus): TableCell {
    return {
      text: status,
      paint: { active: this.chalk.green, expired: this.chalk.yellow, revoked: this.chalk.red }[status],
    };
  }

  dim(text: string): TableCell {
    return { text: inert(text), paint: this.chalk.dim };
  }

  /** Provider text, or a dim `-` where it is absent. */
  orDash(text: string | null | undefined): TableCell {
    return text === null || text === undefined || text === '' ? this.dim('-') : this.plain(text);
  }

  /** The mark of a step that went well, the same everywhere. */
  get tick(): string {
    return this.chalk.green('✓');
  }

  get cross(): string {
    return this.chalk.red('✗');
  }
}
