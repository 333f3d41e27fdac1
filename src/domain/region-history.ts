import { summarize, Summary } from './figures';
import { RegionRef } from './reference';
import { UseCaseContext } from './use-case';

/**
 * A region's TOTAAL row in every period it has figures for, oldest first: what the report draws and
 * compares. Kept apart (and small) so that the series use case can take its place once it exists.
 */
export interface RegionHistoryPoint {
  period: string;
  totals: Summary;
}

export function regionHistory(ctx: UseCaseContext, regionKey: string): { region: RegionRef; points: RegionHistoryPoint[] } {
  const region = ctx.reference.region(regionKey);
  const points: RegionHistoryPoint[] = [];
  for (const period of ctx.store.periods()) {
    const upload = ctx.store.currentUpload(region.code, period);
    if (upload) points.push({ period, totals: summarize(upload.rows, upload.registerTotal) });
  }
  return { region: { code: region.code, name: region.name }, points };
}
