/**
 * The rows both stores read, in the column names their SQL gives them, and how each becomes what the port
 * answers. The dialects differ only in how a boolean comes back (SQLite 0/1, PostgreSQL true/false).
 */
import { UploadRecord, UploadSums } from '../domain/ports';
import { UploadSource } from '../domain/views';

export interface UploadRow {
  id: number;
  region_code: string;
  period: string;
  register_total: number | null;
  uploaded_by: string;
  uploaded_at: string;
  source: UploadSource;
  current: boolean | 0 | 1;
  gemeente_count: number;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
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
    source: row.source,
    current: row.current === true || row.current === 1,
    gemeenteCount: row.gemeente_count,
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
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
