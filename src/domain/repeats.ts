import { GemeenteCounts, ValidUpload } from './upload';
import { FiguresStore } from './ports';

const key = (r: GemeenteCounts): string =>
  `${r.code} ${r.gemeenteClients.withProfile} ${r.gemeenteClients.withoutProfile} ${r.uwvClients.withProfile} ${r.uwvClients.withoutProfile}`;

/**
 * Warns when an upload repeats the figures the reads already serve for its region and period (the same
 * gemeenten, counts and register): it is stored all the same, but a repeat is often the wrong file. Only the
 * upload's own region and period are read: a JSON upload of one region must not pay for the other 34.
 */
export async function repeatWarning(store: FiguresStore, upload: ValidUpload): Promise<string | undefined> {
  const [current] = await store.currentUploads(upload.period, { regionCode: upload.region.code });
  if (!current || current.registerTotal !== upload.registerTotal || current.rows.length !== upload.rows.length) return undefined;
  const stored = new Set(current.rows.map(key));
  if (!upload.rows.every((row) => stored.has(key(row)))) return undefined;
  return `These figures are identical to upload ${current.id} (by ${current.uploadedBy} at ${current.uploadedAt}), the current figures of ${upload.region.name} for ${upload.period}; stored again as a new upload.`;
}
