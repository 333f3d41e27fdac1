import { DomainError, notFound } from './errors';
import { extended } from './extended';
import { summaryOf } from './upload-summary';
import { UseCaseContext } from './use-case';
import { WithdrawalReceipt } from './views';
import { forbiddenRegions, Writer } from './writer';

const alreadyWithdrawn = (id: number, at: string | null, by: string | null): DomainError =>
  new DomainError('conflict', 'Conflict', `Upload ${id} was withdrawn already${by ? ` by ${by}` : ''}${at ? ` at ${at}` : ''}; nothing was changed.`, [
    { field: 'path.id', detail: 'is an upload withdrawn already', found: String(id) },
  ]);

/**
 * Withdraws an upload by a key allowed for its region. It stays in the history, marked; if it was current,
 * the upload before it for the same region and period becomes current again, or the period has no figures
 * for that region. Withdrawing twice is a conflict.
 */
export async function withdrawUpload(ctx: UseCaseContext, id: number, writer: Writer): Promise<WithdrawalReceipt> {
  const upload = await ctx.store.getUpload(id);
  if (!upload) throw notFound(`There is no upload ${id}.`);
  const region = ctx.classifications.forPeriodOr(upload.period, ctx.reference).region(upload.regionCode);
  if (forbiddenRegions(writer, [region.code]).length > 0) {
    throw new DomainError('forbidden', 'Forbidden', `The key "${writer.name}" may not write ${region.name} (${region.code}), so it may not withdraw upload ${id}. Nothing was changed.`, [
      { field: 'path.id', detail: `is an upload of ${region.name} (${region.code}), a region this key may not write`, found: String(id) },
    ]);
  }
  if (upload.withdrawnAt !== null) throw alreadyWithdrawn(id, upload.withdrawnAt, upload.withdrawnBy);
  let at: string | undefined; // the instant the store takes under its write lock, which as-of answers compare with
  if (!(await ctx.store.withdrawUpload(id, writer.name, () => (at = ctx.clock().toISOString())))) {
    const now = await ctx.store.getUpload(id);
    throw alreadyWithdrawn(id, now?.withdrawnAt ?? null, now?.withdrawnBy ?? null); // withdrawn meanwhile, by another process
  }
  ctx.figuresChanged([{ regionCode: upload.regionCode, period: upload.period, at }]);
  const [current] = await ctx.store.currentUploads(upload.period, { regionCode: upload.regionCode });
  // The upload read above as the write left it: withdrawn then, by this key, and current no more.
  const withdrawn = extended(upload, { current: false, withdrawnAt: at ?? null, withdrawnBy: writer.name });
  return {
    withdrawn: summaryOf(ctx, withdrawn),
    ...(current ? { current: summaryOf(ctx, current) } : {}),
  };
}
