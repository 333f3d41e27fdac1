import { ProblemItem } from '../domain/errors';
import { ReferenceData, Region } from '../domain/reference';
import { TableBatchItem } from '../domain/service';
import { FigureField, GemeenteFiguresInput, Locator, MAX_COUNT } from '../domain/upload';
import { formatDutchInteger, NOT_A_COUNT, parseDutchInteger, whyNotACount } from './dutch-integer';
import { TableRow, UnreadableTable } from './table-row';

/*
 * The layout of the publication "Transparantie van klantprofielen", one table per arbeidsmarktregio:
 *
 *   A region label | B gemeente | C, D gemeenteklanten with / without profile | E, F UWV-klanten with /
 *   without profile | G total
 *
 * under two header rows; the region label ("28 Twente") only on a table's first row; a TOTAAL AMR row at
 * the end, whose figures may stand one column to the right and lack their total, as in the publication.
 * Column indexes below are 0-based; every problem names columns 1-based, as a spreadsheet does.
 */
const REGION = 0;
const GEMEENTE = 1;
const FIRST_COUNT = 2;
const TOTAL = 6;

const COLUMN_OF: Record<FigureField, number> = {
  gemeente: GEMEENTE + 1,
  'gemeenteClients.withProfile': FIRST_COUNT + 1,
  'gemeenteClients.withoutProfile': FIRST_COUNT + 2,
  'uwvClients.withProfile': FIRST_COUNT + 3,
  'uwvClients.withoutProfile': FIRST_COUNT + 4,
  total: TOTAL + 1,
};

/** No region has half as many gemeenten: a table this long is missing a TOTAAL AMR row. */
export const MAX_TABLE_ROWS = 100;

/**
 * All 35 regions' tables of one period take about 800 rows. A file goes on no further than this, so that
 * no upload, however large or however well compressed (xlsx), keeps the service busy for long.
 */
export const MAX_FILE_ROWS = 5000;

export interface PublicationOptions {
  reference: ReferenceData;
  /** The month of the figures, as the caller gave it; the domain checks it. */
  period: string | undefined;
  registerTotal?: number;
  /** The region the caller named, if any: every table's label must agree with it, and a table without one is of this region. */
  region?: Region;
}

const BLANK = /^\s*$/;
const TOTAAL = /^\s*totaal\b/i;
const HEADER_REGION = /^\s*arbeidsmarktregio\s*$/i;
const HEADER_GEMEENTE = /^\s*gemeente\s*$/i;
const DIGIT = /\d/;

const isBlank = (cells: readonly string[], index: number): boolean => index >= cells.length || BLANK.test(cells[index]);
const cellAt = (cells: readonly string[], index: number): string => (index < cells.length ? cells[index].trim() : '');

function isBlankFrom(cells: readonly string[], index: number): boolean {
  for (let i = index; i < cells.length; i++) if (!BLANK.test(cells[i])) return false;
  return true;
}

/** "Arbeidsmarktregio | Gemeente | …" and the row of "Profiel in Sonar" labels under it. */
function isHeaderRow(cells: readonly string[], inTable: boolean): boolean {
  if (HEADER_REGION.test(cells[REGION] ?? '') || HEADER_GEMEENTE.test(cells[GEMEENTE] ?? '')) return true;
  if (inTable || !isBlank(cells, REGION) || !isBlank(cells, GEMEENTE)) return false;
  for (let i = FIRST_COUNT; i < cells.length; i++) if (DIGIT.test(cells[i])) return false;
  return true;
}

interface Label {
  text: string;
  row: number;
}

/** One region table while its rows arrive: the gemeente rows for the domain, and the column sums. */
class RegionTable {
  private readonly rows: GemeenteFiguresInput[] = [];
  private readonly rowNumbers: number[] = [];
  private readonly problems: ProblemItem[] = [];
  private readonly sums = [0, 0, 0, 0];
  /** False for a column once a row has no count in it: its TOTAAL figure cannot be checked then. */
  private readonly summable = [true, true, true, true];
  private readonly counts = [0, 0, 0, 0];
  private readonly region: Region | undefined;
  private dataRows = 0;

  constructor(private readonly options: PublicationOptions, private readonly label: Label | undefined, private readonly firstRow: number) {
    this.region = label ? options.reference.findRegion(label.text) : options.region;
    if (label && this.region && options.region && this.region.code !== options.region.code) {
      this.report(label.row, REGION, `names ${this.region.name}, but the query parameter region names ${options.region.name}; they must agree`, label.text);
    } else if (!label && !options.region) {
      this.report(firstRow, REGION, 'is empty, but the first row of a region table names its arbeidsmarktregio, e.g. "28 Twente" (or give the query parameter region)', '');
    }
  }

  /** Whether a label on a later row repeats this table's own (some exports fill it down every row). */
  isLabelledAs(text: string): boolean {
    if (!this.label) return false;
    if (text === this.label.text) return true;
    return this.region !== undefined && this.options.reference.findRegion(text) === this.region;
  }

  addRow(row: number, cells: readonly string[]): void {
    if (++this.dataRows > MAX_TABLE_ROWS) {
      if (this.dataRows === MAX_TABLE_ROWS + 1) {
        this.report(row, GEMEENTE, `is row ${MAX_TABLE_ROWS + 1} of the table that starts at row ${this.firstRow}; no region has that many gemeenten, so a TOTAAL AMR row is missing above`, cellAt(cells, GEMEENTE));
      }
      return;
    }
    const name = cellAt(cells, GEMEENTE);
    if (name === '') this.report(row, GEMEENTE, 'is empty; each row names its gemeente', '');
    const counts = this.counts;
    let counted = true;
    for (let i = 0; i < 4; i++) {
      const value = this.count(row, cells, FIRST_COUNT + i, MAX_COUNT);
      if (value === NOT_A_COUNT) {
        counted = false;
        this.summable[i] = false;
        counts[i] = 0;
      } else {
        counts[i] = value;
        this.sums[i] += value;
      }
    }
    const total = this.count(row, cells, TOTAL, MAX_COUNT);
    const sum = counts[0] + counts[1] + counts[2] + counts[3];
    if (counted && total !== NOT_A_COUNT && total !== sum) {
      this.report(row, TOTAL, `is not the sum of the four counts before it, ${formatDutchInteger(sum)}`, cellAt(cells, TOTAL));
    }
    this.rejectCellsAfter(row, cells, TOTAL);
    if (name === '') return;
    this.rows.push({
      gemeente: name,
      gemeenteClients: { withProfile: counts[0], withoutProfile: counts[1] },
      uwvClients: { withProfile: counts[2], withoutProfile: counts[3] },
    });
    this.rowNumbers.push(row);
  }

  /** Ends the table with its TOTAAL AMR row, which must give the sum of each column. */
  closeWith(row: number, cells: readonly string[]): TableBatchItem {
    if (this.dataRows > MAX_TABLE_ROWS) return this.item();
    // As published: the label in B, C empty, the four sums in D to G and no total.
    const shift = isBlank(cells, FIRST_COUNT) && !isBlank(cells, FIRST_COUNT + 1) ? 1 : 0;
    for (let i = 0; i < 4; i++) {
      const index = FIRST_COUNT + shift + i;
      const value = this.count(row, cells, index, Number.MAX_SAFE_INTEGER);
      if (value !== NOT_A_COUNT && this.summable[i] && value !== this.sums[i]) {
        this.report(row, index, `does not add up: the gemeente rows above sum to ${formatDutchInteger(this.sums[i])}`, cellAt(cells, index));
      }
    }
    const totalIndex = TOTAL + shift;
    if (!isBlank(cells, totalIndex)) {
      const value = this.count(row, cells, totalIndex, Number.MAX_SAFE_INTEGER);
      const sum = this.sums[0] + this.sums[1] + this.sums[2] + this.sums[3];
      if (value !== NOT_A_COUNT && this.summable.every(Boolean) && value !== sum) {
        this.report(row, totalIndex, `does not add up: the gemeente rows above sum to ${formatDutchInteger(sum)}`, cellAt(cells, totalIndex));
      }
    }
    this.rejectCellsAfter(row, cells, totalIndex);
    return this.item();
  }

  /** Ends the table where something else begins, or the file ends, before its TOTAAL AMR row. */
  truncated(problem: ProblemItem): TableBatchItem {
    this.problems.push(problem);
    return this.item();
  }

  describe(): string {
    return `the table that starts at row ${this.firstRow}${this.label ? ` (${this.label.text})` : ''}`;
  }

  private item(): TableBatchItem {
    const regionAt = this.label ? { row: this.label.row, column: REGION + 1 }
      : this.options.region ? { field: 'query.region' } : { row: this.firstRow, column: REGION + 1 };
    const locator: Locator = {
      upload: (field) => (field === 'region' ? regionAt
        : field === 'gemeenten' ? { row: this.firstRow, column: GEMEENTE + 1 } : { field: `query.${field}` }),
      row: (index, field) => ({ row: this.rowNumbers[index], column: COLUMN_OF[field] }),
    };
    return {
      input: {
        period: this.options.period ?? '',
        region: this.label?.text ?? this.options.region?.code ?? '',
        registerTotal: this.options.registerTotal,
        gemeenten: this.rows,
      },
      at: locator,
      problems: this.problems,
    };
  }

  /** The count in a cell, or NOT_A_COUNT once it has been reported why the cell holds none. */
  private count(row: number, cells: readonly string[], index: number, max: number): number {
    const text = cellAt(cells, index);
    const value = parseDutchInteger(text);
    if (value === NOT_A_COUNT) {
      this.report(row, index, whyNotACount(text), text);
      return NOT_A_COUNT;
    }
    if (value > max) {
      this.report(row, index, `is larger than any real count (at most ${formatDutchInteger(max)})`, text);
      return NOT_A_COUNT;
    }
    return value;
  }

  private rejectCellsAfter(row: number, cells: readonly string[], last: number): void {
    for (let i = last + 1; i < cells.length; i++) {
      if (!BLANK.test(cells[i])) {
        this.report(row, i, `lies outside the table, which ends with its total in column ${last + 1}`, cells[i].trim());
        return;
      }
    }
  }

  private report(row: number, index: number, detail: string, found: string): void {
    this.problems.push({ row, column: index + 1, detail, found });
  }
}

/**
 * The region tables of a publication, each as soon as its TOTAAL AMR row has been read, so that a file of
 * many regions is never held whole. Every table comes out, with what is wrong in it; rows that make no
 * table come out as problems only.
 */
export async function* publicationTables(rows: AsyncIterable<TableRow>, options: PublicationOptions): AsyncGenerator<TableBatchItem> {
  let table: RegionTable | undefined;
  let pendingLabel: Label | undefined; // a label on a row of its own, for the rows under it
  let lastRow = 0;
  let unreadable: ProblemItem | undefined;
  const interrupt = (row: number, cells: readonly string[], what: string): TableBatchItem | undefined => {
    const open = table;
    table = undefined;
    return open?.truncated({
      row, column: REGION + 1, found: cellAt(cells, REGION) || cellAt(cells, GEMEENTE),
      detail: `starts ${what} before ${open.describe()} has ended with its TOTAAL AMR row`,
    });
  };

  try {
    for await (const { number, cells } of rows) {
      lastRow = number;
      if (number > MAX_FILE_ROWS) {
        table = undefined;
        yield { problems: [{ row: number, detail: `is past row ${MAX_FILE_ROWS}: all 35 regions' tables of one period take far fewer rows; the rest of the file was not read` }] };
        break;
      }
      if (isBlankFrom(cells, 0)) continue;

      if (TOTAAL.test(cells[REGION] ?? '') || TOTAAL.test(cells[GEMEENTE] ?? '')) {
        const column = TOTAAL.test(cells[REGION] ?? '') ? REGION : GEMEENTE;
        yield table?.closeWith(number, cells)
          ?? { problems: [{ row: number, column: column + 1, detail: 'is a TOTAAL AMR row without gemeente rows above it', found: cellAt(cells, column) }] };
        table = undefined;
        pendingLabel = undefined;
        continue;
      }

      if (isHeaderRow(cells, table !== undefined)) {
        const ended = interrupt(number, cells, 'a header');
        if (ended) yield ended;
        continue;
      }

      const label = cellAt(cells, REGION);
      if (label !== '' && isBlankFrom(cells, GEMEENTE)) {
        const ended = interrupt(number, cells, 'a new region');
        if (ended) yield ended;
        pendingLabel = { text: label, row: number };
        continue;
      }
      if (table && label !== '' && !table.isLabelledAs(label)) {
        const ended = interrupt(number, cells, 'a new region');
        if (ended) yield ended;
      }
      if (!table) {
        table = new RegionTable(options, label !== '' ? { text: label, row: number } : pendingLabel, number);
        pendingLabel = undefined;
      }
      table.addRow(number, cells);
    }
  } catch (error) {
    if (!(error instanceof UnreadableTable)) throw error;
    unreadable = error.problem;
  }

  if (table) {
    yield table.truncated(unreadable ?? {
      row: lastRow + 1, column: GEMEENTE + 1,
      detail: `is past the end of the file, but ${table.describe()} has no TOTAAL AMR row; every region table ends with one`,
    });
  } else if (unreadable) {
    yield { problems: [unreadable] };
  }
}
