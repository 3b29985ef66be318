import { csvRow } from './csv.js';
import type { OutputFormat } from './format.js';
import { safeJson, safeJsonLines, tsvField } from './inert.js';
import type { Output } from './output.js';
import type { Style } from './style.js';
import type { TableCell, TableColumn } from './table.js';

/** A column of a table on a terminal, and how a row fills it. */
export interface ViewColumn<R> extends TableColumn {
  cell(row: R, style: Style): TableCell;
}

/**
 * Rows of one kind (keys, profiles, rotations) in every format: a table on a terminal, one tab-separated line a row
 * in a pipe, and the row's document in json, ndjson and csv.
 */
export interface RecordsView<R> {
  columns: readonly ViewColumn<R>[];
  /** said on stderr, on a terminal, when there is no row */
  empty: string;
  /** a line on stderr after the table, on a terminal */
  summary?(rows: readonly R[]): string;
  /** the row's fields in a pipe, tab-separated; null is an empty field */
  line(row: R): readonly (string | null)[];
  /** the row in json (an array of them) and ndjson */
  json(row: R): unknown;
  csv?: { header: readonly string[]; row(row: R): readonly unknown[] };
}

export interface RecordSink<R> {
  add(rows: readonly R[]): Promise<void>;
  end(): Promise<void>;
}

/** Where results are shown: whether stdout is a terminal, and how wide a table may be there (undefined: any width). */
export interface Screen {
  terminal: boolean;
  width: number | undefined;
}

export interface PresenterDeps {
  output: Output;
  format: OutputFormat;
  screen: Screen;
  style(): Promise<Style>;
}

/**
 * The one place a command's result becomes bytes on stdout: commands hand it rows or a document, and it alone knows
 * the formats, terminal or pipe, colour and width. Messages for the person go to stderr through Output.message.
 */
export class Presenter<F extends OutputFormat = OutputFormat> {
  constructor(private readonly deps: PresenterDeps & { format: F }) {}

  get format(): F {
    return this.deps.format;
  }

  /** Whether the person sees a table (a terminal and -o table), rather than a format for programs. */
  get forPerson(): boolean {
    return this.deps.format === 'table' && this.deps.screen.terminal;
  }

  /**
   * Rows as they arrive. With `stream`, formats that can (ndjson, csv, lines in a pipe) write each batch at once;
   * json and a terminal table wait for the last row, since they need them all.
   */
  records<R>(view: RecordsView<R>, options: { stream?: boolean } = {}): RecordSink<R> {
    const { output, format, screen } = this.deps;
    const held: R[] = [];
    const table = format === 'table' && screen.terminal;
    const streams = options.stream === true && format !== 'json' && !table;
    const encode = (rows: readonly R[]): string => {
      if (format === 'ndjson') return safeJsonLines(rows.map((row) => view.json(row)));
      if (format === 'csv') return rows.map((row) => csvRow([...view.csv!.row(row)])).join('');
      return rows
        .map(
          (row) =>
            `${view
              .line(row)
              .map((field) => tsvField(field ?? ''))
              .join('\t')}\n`,
        )
        .join('');
    };
    let started = false;
    const start = async (): Promise<void> => {
      if (started) return;
      started = true;
      if (format === 'csv') {
        if (!view.csv) throw new Error('this view has no csv form');
        await output.result(csvRow([...view.csv.header]));
      }
    };
    return {
      add: async (rows) => {
        await start();
        if (!streams) {
          held.push(...rows);
          return;
        }
        const text = encode(rows);
        if (text) await output.result(text);
      },
      end: async () => {
        await start();
        if (format === 'json')
          return output.result(
            `${safeJson(
              held.map((row) => view.json(row)),
              2,
            )}\n`,
          );
        if (table) return this.table(view, held);
        if (!streams && held.length > 0) await output.result(encode(held));
      },
    };
  }

  /** All the rows at once. */
  async rows<R>(view: RecordsView<R>, rows: readonly R[]): Promise<void> {
    const sink = this.records(view);
    await sink.add(rows);
    await sink.end();
  }

  /** One result: the document in json; for a person or a pipe, the lines given (none: nothing on stdout). */
  async document(doc: unknown, lines: readonly string[] = []): Promise<void> {
    if (this.deps.format === 'json' || this.deps.format === 'ndjson')
      return this.deps.output.result(`${safeJson(doc, this.deps.format === 'json' ? 2 : undefined)}\n`);
    if (lines.length > 0) await this.deps.output.result(`${lines.join('\n')}\n`);
  }

  /** A result already in its format (an audit's csv, markdown or SARIF). */
  text(text: string): Promise<void> {
    return this.deps.output.result(text);
  }

  /** A table sized to the terminal, as a string: for results that lay out several tables (the audit). */
  async layout(columns: readonly TableColumn[], rows: TableCell[][]): Promise<{ text: string; clipped: boolean }> {
    const [style, { renderTable }] = await Promise.all([this.deps.style(), import('./table.js')]);
    return renderTable([...columns], rows, { width: this.deps.screen.width, bold: (text) => style.chalk.bold(text) });
  }

  private async table<R>(view: RecordsView<R>, rows: readonly R[]): Promise<void> {
    const { output } = this.deps;
    if (rows.length === 0) {
      output.message(view.empty);
      return;
    }
    const style = await this.deps.style();
    const { text, clipped } = await this.layout(
      view.columns,
      rows.map((row) => view.columns.map((column) => column.cell(row, style))),
    );
    await output.result(text);
    const summary = view.summary?.(rows);
    const wider = clipped ? '--wide shows every column in full' : '';
    const said = [summary, wider].filter(Boolean).join('; ');
    if (said) output.message(said);
  }
}
