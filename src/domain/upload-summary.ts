import { UploadRecord } from './ports';
import { Classified } from './upload';
import { UploadSummary } from './views';

/** An upload as the history lists it, its region named as in its period's classification. */
export function summaryOf(classified: Classified, record: UploadRecord): UploadSummary {
  const { id, period, registerTotal, uploadedBy, uploadedAt, source, current, gemeenteCount, withdrawnAt, withdrawnBy } = record;
  const region = classified.classifications.forPeriodOr(period, classified.reference).region(record.regionCode);
  return { id, region: { code: region.code, name: region.name }, period, registerTotal, uploadedBy, uploadedAt, source, current, gemeenteCount, withdrawnAt, withdrawnBy };
}
