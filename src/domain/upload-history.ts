import { notFound } from './errors';
import { extended } from './extended';
import { totalsOf } from './figures-reads';
import { periodOf } from './period';
import { toFigures } from './read-shapes';
import { summaryOf } from './upload-summary';
import { UseCaseContext } from './use-case';
import { UploadDetail, UploadList } from './views';

export interface UploadFilterInput {
  region?: string;
  period?: string;
  uploadedBy?: string;
  limit?: number;
  offset?: number;
}

/** The uploads history, newest first, withdrawals included, with how many match in all. */
export async function listUploads(ctx: UseCaseContext, filter: UploadFilterInput): Promise<UploadList> {
  const regionCode = filter.region === undefined ? undefined : ctx.reference.region(filter.region).code;
  const period = filter.period === undefined ? undefined : periodOf(filter.period);
  const query = { regionCode, period, uploadedBy: filter.uploadedBy, limit: filter.limit ?? 100, offset: filter.offset ?? 0 };
  const [uploads, total] = await Promise.all([ctx.store.listUploads(query), ctx.store.countUploads(query)]);
  return { uploads: uploads.map((r) => summaryOf(ctx, r)), total };
}

/** One upload with its figures, also when a later one replaced it or it was withdrawn. */
export async function getUpload(ctx: UseCaseContext, id: number): Promise<UploadDetail> {
  const upload = await ctx.store.getUpload(id);
  if (!upload) throw notFound(`There is no upload ${id}.`);
  const region = ctx.classifications.forPeriodOr(upload.period, ctx.reference).region(upload.regionCode);
  return extended(summaryOf(ctx, upload), { gemeenten: upload.rows.map(toFigures), totals: totalsOf(region, upload) });
}
