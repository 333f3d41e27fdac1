import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UploadRequest } from '../../src/domain/upload';

/** The reference data the service loads on first start: 35 regions, 342 gemeenten. */
export const GEMEENTEN_CSV = path.join(__dirname, '..', '..', 'db', 'reference', 'gemeenten-2026.csv');

export interface ReferenceGemeente {
  code: string;
  name: string;
  regionCode: string;
  regionName: string;
}

interface CsvRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }

/** Every gemeente of db/reference/gemeenten-2026.csv, in file order. */
export function referenceGemeenten(): ReferenceGemeente[] {
  const rows = parse(readFileSync(GEMEENTEN_CSV), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as CsvRow[];
  return rows.map((r) => ({ code: r.gemeentecode, name: r.gemeentenaam, regionCode: r.arbeidsmarktregiocode, regionName: r.arbeidsmarktregionaam }));
}

/** The regions of the reference data, each with its gemeenten, sorted by region code. */
export function referenceRegions(): Array<{ code: string; name: string; gemeenten: ReferenceGemeente[] }> {
  const byCode = new Map<string, { code: string; name: string; gemeenten: ReferenceGemeente[] }>();
  for (const g of referenceGemeenten()) {
    const region = byCode.get(g.regionCode) ?? { code: g.regionCode, name: g.regionName, gemeenten: [] };
    region.gemeenten.push(g);
    byCode.set(g.regionCode, region);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * One upload per region (all 35), every gemeente of the region listed, for one period. The counts depend
 * on `variant`: two different variants differ in every count of every gemeente and in every registerTotal,
 * so that the figures read back tell which variant was stored.
 */
export function allRegionsBatch(variant: number, period = '2026-06'): UploadRequest[] {
  return referenceRegions().map((region) => {
    const gemeenten = region.gemeenten.map((g) => {
      const seed = Number(g.code.slice(2));
      const counts = {
        gemeenteClients: { withProfile: (seed % 40) + variant, withoutProfile: (seed % 300) + 2 * variant },
        uwvClients: { withProfile: (seed % 500) + 3 * variant, withoutProfile: (seed % 700) + 4 * variant },
      };
      const total = counts.gemeenteClients.withProfile + counts.gemeenteClients.withoutProfile
        + counts.uwvClients.withProfile + counts.uwvClients.withoutProfile;
      return { gemeente: g.code, ...counts, total };
    });
    const sum = gemeenten.reduce((s, g) => s + g.total, 0);
    return { period, region: region.code, registerTotal: 2 * sum + variant, gemeenten };
  });
}

/**
 * A small upload of one region: its first three gemeenten (fewer if it has fewer), so `partial`, with
 * counts and a registerTotal derived from `marker`, so that an upload read back tells which request stored it.
 */
export function markedUpload(regionCode: string, period: string, marker: number): UploadRequest {
  const region = referenceRegions().find((r) => r.code === regionCode);
  if (!region) throw new Error(`no region ${regionCode} in ${GEMEENTEN_CSV}`);
  return {
    period,
    region: region.code,
    registerTotal: marker,
    gemeenten: region.gemeenten.slice(0, 3).map((g, i) => ({
      gemeente: g.code,
      gemeenteClients: { withProfile: marker % 97 + i, withoutProfile: marker % 89 },
      uwvClients: { withProfile: marker % 83, withoutProfile: marker % 79 + 2 * i },
    })),
    partial: true,
  };
}
