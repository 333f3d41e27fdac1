import { GemeenteCounts, ValidUpload } from './upload';
import { FiguresStore, StoredUpload } from './ports';

const key = (r: GemeenteCounts): string =>
  `${r.code} ${r.gemeenteClients.withProfile} ${r.gemeenteClients.withoutProfile} ${r.uwvClients.withProfile} ${r.uwvClients.withoutProfile}`;

/**
 * Warns when an upload repeats the figures the reads already serve for its region and period (the same
 * gemeenten, counts and register): it is stored all the same, but a repeat is often the wrong file. Each
 * period's current uploads are read once, on its first upload, so that a file of 35 regions costs one read.
 */
export function repeatChecker(store: FiguresStore): (upload: ValidUpload) => Promise<string | undefined> {
  const byPeriod = new Map<string, Promise<Map<string, StoredUpload>>>();
  return async (upload) => {
    let currents = byPeriod.get(upload.period);
    if (!currents) {
      currents = store.currentUploads(upload.period).then((uploads) => new Map(uploads.map((u) => [u.regionCode, u])));
      byPeriod.set(upload.period, currents);
    }
    const current = (await currents).get(upload.region.code);
    if (!current || current.registerTotal !== upload.registerTotal || current.rows.length !== upload.rows.length) return undefined;
    const stored = new Set(current.rows.map(key));
    if (!upload.rows.every((row) => stored.has(key(row)))) return undefined;
    return `These figures are identical to upload ${current.id} (by ${current.uploadedBy} at ${current.uploadedAt}), the current figures of ${upload.region.name} for ${upload.period}; stored again as a new upload.`;
  };
}
