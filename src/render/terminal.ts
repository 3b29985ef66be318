import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import stringWidth from 'string-width';
import type { Context } from '../context.js';
import type { KeyStatus } from '../providers/types.js';
import { relativeTime } from '../util/time.js';
import { inert } from './inert.js';

/**
 * Text keywarden styles itself: each part is made inert first, then painted, so colour comes only from keywarden.
 * Several parts are several lines of one table cell.
 */
export class Styled {
  constructor(
    private readonly parts: readonly string[],
    private readonly paint: (text: string) => string = (text) => text,
  ) {}

  toString(): string {
    return this.parts.map((part) => this.paint(inert(part))).join('\n');
  }
}

/** A table cell: provider data as a plain string (always shown inert), or text keywarden styled. */
export type Cell = string | Styled;

/** Helpers for output meant for a person at a terminal: colour (or none), relative times, tables. */
export class Terminal {
  readonly chalk: ChalkInstance;

  constructor(private readonly ctx: Context) {
    this.chalk = new Chalk({ level: ctx.colorLevel });
  }

  when(iso: string | null, absent = '-'): Cell {
    return iso === null ? this.dim(absent) : relativeTime(iso, this.ctx.now());
  }

  status(status: KeyStatus): Styled {
    const paint = { active: this.chalk.green, expired: this.chalk.yellow, revoked: this.chalk.red }[status];
    return new Styled([status], paint);
  }

  dim(text: string): Styled {
    return new Styled([text], this.chalk.dim);
  }

  /** lines of one cell, laid out by keywarden (wrapped text) */
  lines(lines: readonly string[]): Styled {
    return new Styled(lines);
  }

  /** The columns text takes on a terminal: wide characters count two, colour codes none. */
  width(text: string): number {
    return stringWidth(text);
  }

  table(head: string[], rows: Cell[][]): string {
    const table = new Table({
      head: head.map((h) => this.chalk.bold(h)),
      style: { head: [], border: [], compact: true },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    table.push(...rows.map((row) => row.map((cell) => (typeof cell === 'string' ? inert(cell) : cell.toString()))));
    return `${table.toString()}\n`;
  }
}
