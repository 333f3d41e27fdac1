import type { RequestHandler } from 'express';
import { ApiKeyEntry } from '../api-keys';
import { DomainError } from '../domain/errors';
import { ReferenceData } from '../domain/reference';
import type { SonarService, TableBatchItem } from '../domain/service';
import { Classifications } from '../domain/classification';
import { toPeriod } from '../domain/period';
import { forbiddenRegions, Writer } from '../domain/writer';
import { writerOf } from './authentication';
import './request-state';

/** 403 naming every region the key may not write, and the ones it may. */
export function forbidden(writer: Writer, codes: readonly string[], reference: ReferenceData): DomainError {
  const named = (code: string) => `${reference.findRegion(code)?.name ?? code} (${code})`;
  const allowed = (writer.regions ?? []).map(named).join(', ');
  return new DomainError('forbidden', 'Forbidden', `The key "${writer.name}" may not write ${codes.map(named).join(', ')}; it writes ${allowed}. Nothing was stored.`,
    codes.map((code) => ({ field: 'region', detail: `is not a region this key may write`, found: named(code) })));
}

/** Refuses, before anything is stored, a write that touches any region outside the key's list. */
export function assertMayWrite(writer: Writer, regionCodes: Iterable<string>, reference: ReferenceData): void {
  const refused = forbiddenRegions(writer, regionCodes);
  if (refused.length > 0) throw forbidden(writer, refused, reference);
}

/**
 * The tables of a file, passed on as they are read; once the whole file is read, and before the service
 * may commit, a file that holds any region the key may not write is refused whole.
 */
/** A region is named as in its period's classification (AM99 in 2020, AM06's old name before 2024). */
function periodsClassification(classifications: Classifications, period: unknown, reference: ReferenceData): ReferenceData {
  const p = typeof period === 'string' ? toPeriod(period) : undefined;
  return p === undefined ? reference : classifications.forPeriodOr(p, reference);
}

export async function* permittedTablesOnly(tables: AsyncIterable<TableBatchItem>, writer: Writer, reference: ReferenceData, classifications?: Classifications): AsyncGenerator<TableBatchItem> {
  const touched: string[] = [];
  for await (const item of tables) {
    const then = classifications ? periodsClassification(classifications, item.input?.period, reference) : reference;
    const region = typeof item.input?.region === 'string' ? then.findRegion(item.input.region) : undefined;
    if (region) touched.push(region.code);
    yield item;
  }
  assertMayWrite(writer, touched, reference);
}

/**
 * Before tsoa checks a JSON upload's shape: a key limited to regions gets 403 for any other region first,
 * as a table upload does, so that an unpermitted write learns nothing about its body.
 */
export const permittedJsonRegion: RequestHandler = (req, _res, next) => {
  const region = (req.body as { region?: unknown } | undefined)?.region;
  const { reference, classifications } = req.app.locals.service as SonarService;
  const period = (req.body as { period?: unknown } | undefined)?.period;
  const found = typeof region === 'string' ? periodsClassification(classifications, period, reference).findRegion(region) : undefined;
  try {
    if (found) assertMayWrite(writerOf(req), [found.code], reference);
    next();
  } catch (error) {
    next(error);
  }
};

/**
 * An upload for a year this instance holds no classification of: the store is asked first, since an
 * operator may have loaded the year from another process (npm run classification) a moment ago, before
 * this instance noticed the commit. Costs nothing for years already held.
 */
export const classificationsOfUpload: RequestHandler = (req, _res, next) => {
  const service = req.app.locals.service as SonarService;
  const given = [req.query.period, (req.body as { period?: unknown } | undefined)?.period];
  const years = given.flatMap((p) => (typeof p === 'string' ? [toPeriod(p)] : [])).flatMap((p) => (p === undefined ? [] : [Number(p.slice(0, 4))]));
  if (years.every((year) => service.classifications.has(year))) {
    next();
    return;
  }
  service.refreshClassifications().then(() => next(), next);
};

/** Start-up check: a key limited to a region code that does not exist is a typing error in API_KEYS. */
export function checkKeyRegions(entries: readonly ApiKeyEntry[], reference: ReferenceData): void {
  const unknown = entries.flatMap((e) => (e.regions ?? []).filter((code) => !reference.regions.some((r) => r.code === code)).map((code) => `${e.name}: ${code}`));
  if (unknown.length > 0) throw new Error(`Invalid configuration:\n  API_KEYS: no arbeidsmarktregio has the code ${unknown.join(', ')}`);
}
