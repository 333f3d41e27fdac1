import { Counts } from '../domain/figures';
import { TABLE_HEADINGS as H } from '../domain/measures';
import { NationalTable, PublicationTable } from '../domain/publication-table';
import { formatDutchInteger } from '../tables/dutch-integer';
import { Sheet, slug } from './formats';

/*
 * The publication's table written back in its own layout, the one src/tables/publication.ts reads:
 * A region label | B gemeente | C, D gemeenteklanten with / without profile | E, F UWV-klanten with /
 * without profile | G total; two header rows; the label on the first gemeente row only; a TOTAAL AMR row
 * with every sum in the columns of its figures, its total included (the publication shifts it one column
 * and leaves the total out; the reader takes both).
 */
type Cells = string[];

const HEADER_ROWS: Cells[] = [
  [H.region, H.gemeente, H.gemeenteClients, '', H.uwvClients, '', H.total],
  ['', '', H.withProfile, H.withoutProfile, H.withProfile, H.withoutProfile, ''],
];

const countCells = (c: Counts & { total: number }): Cells =>
  [c.gemeenteClients.withProfile, c.gemeenteClients.withoutProfile, c.uwvClients.withProfile, c.uwvClients.withoutProfile, c.total].map(formatDutchInteger);

/** The region table as rows of cells, exactly as the publication prints them. */
export function regionTableCells(table: PublicationTable): Cells[] {
  return [
    ...HEADER_ROWS,
    ...table.rows.map((row, i) => [i === 0 ? table.label : '', row.name, ...countCells(row)]),
    ['', H.totalRow, ...countCells(table.totals)],
  ];
}

const NATIONAL_HEADER_ROWS: Cells[] = [
  [H.region, H.gemeenteClients, '', H.uwvClients, '', H.total, H.registerTotal, H.coverage],
  ['', H.withProfile, H.withoutProfile, H.withProfile, H.withoutProfile, '', '', ''],
];

const percent = (value: number | null): string => (value === null ? '' : `${value}%`);
const dutchOrBlank = (value: number | null): string => (value === null ? '' : formatDutchInteger(value));

/** Every region's TOTAAL row with its register and coverage, and the country's under them. */
export function nationalTableCells(table: NationalTable): Cells[] {
  return [
    ...NATIONAL_HEADER_ROWS,
    ...table.rows.map((r) => [r.label, ...countCells(r.totals), dutchOrBlank(r.totals.registerTotal), percent(r.totals.coveragePercent)]),
    ['TOTAAL', ...countCells(table.totals), dutchOrBlank(table.totals.registerTotal), percent(table.totals.coveragePercent)],
  ];
}

/** Header rows, then data rows: the sheet every form of the table is written from. */
function tableSheet(cells: Cells[], name: string, title: string): Sheet {
  const rows = cells.slice(2);
  return { name, title, head: cells.slice(0, 2), rows, count: rows.length };
}

export const regionTableSheet = (table: PublicationTable): Sheet =>
  tableSheet(regionTableCells(table), `${slug(table.region.name)}-${table.period}-tabel`, `${table.region.name} ${table.period}`);

export const nationalTableSheet = (table: NationalTable): Sheet =>
  tableSheet(nationalTableCells(table), `nederland-${table.period}-tabel`, `Nederland ${table.period}`);
