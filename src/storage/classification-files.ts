/**
 * Reading classification files (the layout of db/classifications) and loading the shipped years into a
 * database that has none: each year checked as an operator's would be (classification-file.ts), in order,
 * so that each is checked against the year before.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { Herindeling, Membership, YearClassification } from '../domain/classification';
import { checkYearFiles, CsvFile, YearFiles } from '../domain/classification-file';
import { extended } from '../domain/extended';
import { ReferenceData } from '../domain/reference';
import { classificationQueries, executorOn, writeClassification } from './classification-store';
import type { Schema } from './schema';

/** A CSV file with a header row (UTF-8, optional BOM), as the checks read it. */
export function readCsvFile(file: string, name = path.basename(file)): CsvFile {
  const records: string[][] = parse(readFileSync(file), { bom: true, skip_empty_lines: true, relax_column_count: true });
  const [header = [], ...rows] = records;
  const columns = header.map((c) => c.trim());
  return { name, columns, rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))) };
}

/** The problems of a refused year, one per line, as the CLI and a failed start print them. */
export const problemLines = (problems: ReadonlyArray<{ field?: string; row?: number; column?: number; detail: string; found?: string }>): string[] =>
  problems.map((p) => `${p.field ?? ''}${p.row ? `, row ${p.row}` : ''}${p.column ? `, column ${p.column}` : ''}: ${p.detail}${p.found !== undefined ? ` (found "${p.found}")` : ''}`);

/** Loads db/classifications into a database without classifications; leaves one that has them alone. */
export async function loadShippedClassifications(db: Kysely<Schema>, dir: string, now: string): Promise<boolean> {
  const q = classificationQueries(db);
  const x = executorOn(db);
  const [{ n }] = await q.count.rows(x, {});
  if (Number(n) > 0) return false;
  const years = readCsvFile(path.join(dir, 'years.csv')).rows;
  const all = readCsvFile(path.join(dir, 'herindelingen.csv'));
  const stored: Herindeling[] = [];
  let previous: ReferenceData | undefined;
  for (const y of years) {
    const year = Number(y.year);
    const files: YearFiles = {
      year,
      gemeenten: readCsvFile(path.join(dir, `gemeenten-${year}.csv`)),
      regions: readCsvFile(path.join(dir, `arbeidsmarktregios-${year}.csv`)),
      herindelingen: extended(all, { rows: all.rows.filter((r) => (r.date ?? '').startsWith(`${year}-`)) }),
      gemeentenSource: y.gemeenten_source ?? '',
      membership: y.membership as Membership,
      membershipSource: y.membership_source ?? '',
    };
    const checked = checkYearFiles(files, { previous, stored });
    if (!checked.year) throw new Error(`The shipped classification of ${year} is refused:\n${problemLines(checked.problems).join('\n')}`);
    const classification: YearClassification = extended(checked.year, { loadedAt: now, loadedBy: 'shipped (db/classifications)' });
    await writeClassification(x, q, classification, checked.herindelingen);
    stored.push(...checked.herindelingen);
    previous = new ReferenceData(classification.regions);
  }
  return true;
}
