import { notFound } from './errors';
import { Counts, rowTotal, summarize, Summary } from './figures';
import { periodOf } from './period';
import { nationalSummary, nationalSumsOf } from './read-shapes';
import { Region, RegionRef } from './reference';
import { regionNamed, regionThen } from './figures-reads';
import { UseCaseContext } from './use-case';

/**
 * One gemeente row of the publication, under the name the upload printed.
 * @example {"name": "Almelo", "gemeenteClients": {"withProfile": 3, "withoutProfile": 222}, "uwvClients": {"withProfile": 491, "withoutProfile": 502}, "total": 1218}
 */
export interface PublicationRow extends Counts {
  /** The gemeente as the upload named it ("Hengelo"); the CBS name where the upload gave a code. */
  name: string;
  /**
   * "Totaal doelgroep banenafspraken in Sonar": the sum of the four counts.
   * @isInt
   * @minimum 0
   */
  total: number;
}

/**
 * A region's table as the publication prints it, from its current upload.
 * @example {"region": {"code": "AM05", "name": "Twente"}, "period": "2026-06", "label": "28 Twente", "rows": [{"name": "Almelo", "gemeenteClients": {"withProfile": 3, "withoutProfile": 222}, "uwvClients": {"withProfile": 491, "withoutProfile": 502}, "total": 1218}], "totals": {"gemeenteClients": {"withProfile": 38, "withoutProfile": 1216}, "uwvClients": {"withProfile": 3476, "withoutProfile": 3168}, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44}}
 */
export interface PublicationTable {
  /** The region the table is of. */
  region: RegionRef;
  /**
   * The period of the table.
   * @example "2026-06"
   */
  period: string;
  /** The label of the region as uploaded ("28 Twente"), or its name when the upload gave none ("Twente"). */
  label: string;
  /** The gemeente rows, in the order of the upload. */
  rows: PublicationRow[];
  /** The TOTAAL AMR row, with the register and what follows from both. */
  totals: Summary;
}

/**
 * One region's TOTAAL row in the national table.
 * @example {"region": {"code": "AM05", "name": "Twente"}, "label": "28 Twente", "totals": {"gemeenteClients": {"withProfile": 38, "withoutProfile": 1216}, "uwvClients": {"withProfile": 3476, "withoutProfile": 3168}, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44}}
 */
export interface NationalTableRow {
  /** The region of the row. */
  region: RegionRef;
  /** The region's label as uploaded ("28 Twente"), or its name. */
  label: string;
  /** The region's TOTAAL AMR row with its register and coverage. */
  totals: Summary;
}

/**
 * Every region's TOTAAL row for one period, and the country's.
 * @example {"period": "2026-06", "rows": [{"region": {"code": "AM05", "name": "Twente"}, "label": "28 Twente", "totals": {"gemeenteClients": {"withProfile": 38, "withoutProfile": 1216}, "uwvClients": {"withProfile": 3476, "withoutProfile": 3168}, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44}}], "totals": {"gemeenteClients": {"withProfile": 38, "withoutProfile": 1216}, "uwvClients": {"withProfile": 3476, "withoutProfile": 3168}, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44}}
 */
export interface NationalTable {
  /**
   * The period of the table.
   * @example "2026-06"
   */
  period: string;
  /** One row per region with figures for the period, by CBS code. */
  rows: NationalTableRow[];
  /** The sum over the regions; coverage over those with a register. */
  totals: Summary;
}

const ref = (r: RegionRef): RegionRef => ({ code: r.code, name: r.name });

/** The region's table for the period (its latest when left out), in the order and words of its upload. */
export async function regionTable(ctx: UseCaseContext, regionKey: string, period?: string): Promise<PublicationTable> {
  const named: Region = regionNamed(ctx, regionKey, period);
  const p = period !== undefined ? periodOf(period) : await ctx.store.latestPeriod(named.code);
  const upload = p === undefined ? undefined : await ctx.store.printedUpload(named.code, p);
  if (!upload) throw notFound(p === undefined ? `${named.name} has no figures yet.` : `${named.name} has no figures for ${p}.`);
  const region = regionThen(ctx, named, upload.period);
  return {
    region: ref(region),
    period: upload.period,
    label: upload.regionLabel ?? region.name,
    rows: upload.rows.map((r) => ({ name: r.printedName, gemeenteClients: r.gemeenteClients, uwvClients: r.uwvClients, total: rowTotal(r) })),
    totals: summarize(upload.rows, upload.registerTotal),
  };
}

/** Every region with figures for the period (the latest when left out), by CBS code, and the national sum. */
export async function nationalTable(ctx: UseCaseContext, period?: string): Promise<NationalTable> {
  const p = period !== undefined ? periodOf(period) : await ctx.store.latestPeriod();
  const uploads = p === undefined ? [] : await ctx.store.currentUploads(p);
  if (p === undefined || uploads.length === 0) throw notFound(p === undefined ? 'No figures have been uploaded yet.' : `No region has figures for ${p}.`);
  const labels = await ctx.store.regionLabels(p);
  const then = ctx.classifications.forPeriodOr(p, ctx.reference);
  const rows = uploads.map((u) => {
    const region = then.region(u.regionCode);
    return { region: ref(region), label: labels.get(u.regionCode) ?? region.name, totals: summarize(u.rows, u.registerTotal) };
  });
  return { period: p, rows, totals: nationalSummary(nationalSumsOf(p, uploads)) };
}
