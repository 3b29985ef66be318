import Table from 'cli-table3';
import { displayWidth, truncateToWidth, wrapToWidth } from './width.js';

/**
 * How a column gives way when the table is wider than the terminal:
 * - `id`: cut, never below the shortest prefix that still tells the rows apart (at least 4 characters, which a key
 *   reference accepts);
 * - `truncate`: cut with `…`;
 * - `wrap`: broken into lines at spaces;
 * - `fixed`: kept whole.
 */
export type Fit = 'id' | 'truncate' | 'wrap' | 'fixed';

export interface TableColumn {
  header: string;
  fit: Fit;
  /**
   * Columns are dropped, the highest first, when even their narrowest would not fit the terminal; a column without
   * it is never dropped.
   */
  drop?: number;
}

/** A cell: plain text (inert already), and how to colour it once it is laid out. */
export interface TableCell {
  text: string;
  paint?: (text: string) => string;
}

export interface RenderedTable {
  text: string;
  /** whether columns were dropped or cells cut to fit */
  clipped: boolean;
}

/** cli-table3's compact borders: one column of border between cells and at each edge, one space of padding each side. */
const perColumn = 3;
const edge = 1;
const narrowestCut = 8;
const narrowestWrap = 16;
/** what a cut cell keeps before columns are dropped to give it more */
const readable = 12;

/** The shortest prefix length (at least 4) that no two of the ids share. */
function uniquePrefix(ids: string[]): number {
  const longest = Math.max(4, ...ids.map((id) => id.length));
  for (let length = 4; length < longest; length++) {
    if (new Set(ids.map((id) => id.slice(0, length))).size === new Set(ids).size) return length;
  }
  return longest;
}

function narrowest(column: TableColumn, natural: number, texts: string[]): number {
  const header = displayWidth(column.header);
  switch (column.fit) {
    case 'fixed':
      return natural;
    case 'id':
      // the prefix, and the `…` after it
      return Math.min(natural, Math.max(header, uniquePrefix(texts) + 1));
    case 'truncate':
      return Math.min(natural, Math.max(header, narrowestCut));
    case 'wrap':
      return Math.min(natural, Math.max(header, narrowestWrap));
  }
}

const tableWidth = (widths: number[]): number => edge + widths.reduce((sum, w) => sum + w + perColumn, 0);

/**
 * A table that fits `width` columns (undefined: as wide as its content): columns shrink, the widest first, down to
 * their narrowest; if that is still too wide, columns are dropped in their `drop` order. Widths are display widths,
 * so CJK text and emoji line up.
 */
export function renderTable(
  columns: TableColumn[],
  rows: TableCell[][],
  options: { width?: number; bold: (text: string) => string },
): RenderedTable {
  const texts = columns.map((_, i) => rows.map((row) => row[i]!.text));
  const natural = columns.map((column, i) => Math.max(displayWidth(column.header), ...texts[i]!.map(displayWidth)));
  const least = columns.map((column, i) => narrowest(column, natural[i]!, texts[i]!));
  let shown = columns.map((_, i) => i);
  const limit = options.width;

  if (limit !== undefined) {
    // columns are dropped while the rest could not be shown with their ids whole and their other cells readable
    const comfortable = columns.map((column, i) =>
      column.fit === 'id' ? natural[i]! : Math.max(least[i]!, Math.min(natural[i]!, readable)),
    );
    const droppable = shown
      .filter((i) => columns[i]!.drop !== undefined)
      .sort((a, b) => columns[b]!.drop! - columns[a]!.drop!);
    while (tableWidth(shown.map((i) => comfortable[i]!)) > limit && droppable.length > 0) {
      const dropped = droppable.shift()!;
      shown = shown.filter((i) => i !== dropped);
    }
  }

  const widths = shown.map((i) => natural[i]!);
  if (limit !== undefined) {
    let excess = tableWidth(widths) - limit;
    // the other columns give way first, an id only when they cannot give more; of those, the one with most room
    for (const idsToo of [false, true]) {
      while (excess > 0) {
        let widest = -1;
        for (let s = 0; s < shown.length; s++) {
          if (!idsToo && columns[shown[s]!]!.fit === 'id') continue;
          const room = widths[s]! - least[shown[s]!]!;
          if (room > 0 && (widest < 0 || room > widths[widest]! - least[shown[widest]!]!)) widest = s;
        }
        if (widest < 0) break;
        widths[widest]!--;
        excess--;
      }
    }
  }

  let clipped = shown.length < columns.length;
  const cellText = (cell: TableCell, column: TableColumn, width: number): string => {
    let laidOut = cell.text;
    if (displayWidth(cell.text) > width) {
      // a wrapped cell still shows all of itself
      if (column.fit !== 'wrap') clipped = true;
      laidOut = column.fit === 'wrap' ? wrapToWidth(cell.text, width).join('\n') : truncateToWidth(cell.text, width);
    }
    const paint = cell.paint;
    return paint
      ? laidOut
          .split('\n')
          .map((line) => paint(line))
          .join('\n')
      : laidOut;
  };

  const table = new Table({
    head: shown.map((i) => options.bold(columns[i]!.header)),
    colWidths: widths.map((w) => w + 2),
    wordWrap: false,
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(...rows.map((row) => shown.map((i, s) => cellText(row[i]!, columns[i]!, widths[s]!))));
  return { text: `${table.toString()}\n`, clipped };
}
