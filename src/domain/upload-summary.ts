import { UploadRecord } from './ports';
import { ReferenceData } from './reference';
import { UploadSummary } from './views';

/** An upload as the history lists it. */
export function summaryOf(reference: ReferenceData, record: UploadRecord): UploadSummary {
  const { id, period, registerTotal, uploadedBy, uploadedAt, source, current, gemeenteCount, withdrawnAt, withdrawnBy } = record;
  const region = reference.region(record.regionCode);
  return { id, region: { code: region.code, name: region.name }, period, registerTotal, uploadedBy, uploadedAt, source, current, gemeenteCount, withdrawnAt, withdrawnBy };
}
