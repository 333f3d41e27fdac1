/**
 * The rows the queries give, in their column names, and how each becomes what the port answers. The
 * engines differ only in how a boolean comes back (SQLite 0/1, PostgreSQL true/false).
 */
import { UploadRecord, UploadSums } from '../domain/ports';
import { GemeenteCounts } from '../domain/upload';
import { UploadSource } from '../domain/views';
import { UploadsTable } from './schema';

/** An upload's own columns (but its label), whether it is current, and its number of gemeenten. */
export interface UploadRow extends Omit<UploadsTable, 'region_label'> {
  current: boolean | 0 | 1;
  gemeente_count: number;
}

export interface FigureRow {
  code: string;
  name: string;
  gw: number;
  gwo: number;
  uw: number;
  uwo: number;
}

/** The four counts summed over an upload's gemeenten, as `upload_sums` holds them, with its region and period. */
export interface SumsRow {
  region_code: string;
  period: string;
  register_total: number | null;
  gw: number;
  gwo: number;
  uw: number;
  uwo: number;
}

export function toRecord(row: UploadRow): UploadRecord {
  return {
    id: row.id,
    regionCode: row.region_code,
    period: row.period,
    registerTotal: row.register_total,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
    source: row.source as UploadSource,
    current: row.current === true || row.current === 1,
    gemeenteCount: Number(row.gemeente_count),
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
  };
}

export function toCounts(row: FigureRow): GemeenteCounts {
  return {
    code: row.code,
    name: row.name,
    gemeenteClients: { withProfile: row.gw, withoutProfile: row.gwo },
    uwvClients: { withProfile: row.uw, withoutProfile: row.uwo },
  };
}

export function toSums(row: SumsRow): UploadSums {
  return {
    regionCode: row.region_code,
    period: row.period,
    registerTotal: row.register_total,
    counts: { gemeenteClients: { withProfile: row.gw, withoutProfile: row.gwo }, uwvClients: { withProfile: row.uw, withoutProfile: row.uwo } },
  };
}
