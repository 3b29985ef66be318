import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Context } from '../context.js';
import type { KeyStatus } from '../providers/types.js';
import { relativeTime } from '../util/time.js';

/** Helpers for output meant for a person at a terminal: colour (or none), relative times, tables. */
export class Terminal {
  readonly chalk: ChalkInstance;

  constructor(private readonly ctx: Context) {
    this.chalk = new Chalk({ level: ctx.colorLevel });
  }

  when(iso: string | null, absent = '-'): string {
    return iso === null ? this.chalk.dim(absent) : relativeTime(iso, this.ctx.now());
  }

  status(status: KeyStatus): string {
    const paint = { active: this.chalk.green, expired: this.chalk.yellow, revoked: this.chalk.red }[status];
    return paint(status);
  }

  dim(text: string): string {
    return this.chalk.dim(text);
  }

  table(head: string[], rows: string[][]): string {
    const table = new Table({
      head: head.map((h) => this.chalk.bold(h)),
      style: { head: [], border: [], compact: true },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    table.push(...rows);
    return `${table.toString()}\n`;
  }
}
