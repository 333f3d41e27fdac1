import { Controller, Example, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { gemeenteDetail, gemeenteScope, listGemeenten } from '../../domain/gemeenten';
import { GemeenteDetail, GemeenteList } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { GEMEENTE_DETAIL, GEMEENTE_LIST } from '../examples';
import { Instant, Year } from '../headers';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE } from './responses';
import { NOTHING } from '../../domain/staleness';

@Route('gemeenten')
@Tags('Gemeenten')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
export class GemeentenController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The 342 gemeenten of 2026, by name, each with the arbeidsmarktregio it belongs to; with `year`, the
   * gemeenten of 1 January of that year.
   * @summary All gemeenten
   * @param year The classification of this year (`YYYY`); a year not loaded is a 400 naming those loaded.
   */
  @Get()
  @Example<GemeenteList>(GEMEENTE_LIST)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeenten')
  @Response<ProblemDetails>(400, 'An unknown query parameter, a malformed year or a year without a classification')
  public listGemeenten(@Request() req: ExRequest, @Query() year?: Year): GemeenteList {
    return answer(req, listGemeenten(this.service, year), { dependsOn: NOTHING });
  }

  /**
   * One gemeente, found among all 342, else among the gemeenten of every year loaded (`Weesp`): its region
   * (of its last year) and its figures in the latest period that has them. A gemeente a herindeling
   * touched, or that is not a gemeente of every year, also says the years it existed, its predecessors and
   * its successors, with dates.
   * A plain name finds the gemeente as publications write it (`Hengelo` is `Hengelo (O.)`); a name that
   * fits several gemeenten (`Bergen`: `Bergen (L.)` and `Bergen (NH.)`) is a 400 that lists them.
   * @summary One gemeente with its latest figures
   * @param gemeente CBS code (`GM0141`) or name (`Almelo`, any case).
   * @param asOf The figures as they stood at this instant (RFC 3339), from the uploads made at or before it.
   * @example gemeente "Almelo"
   */
  @Get('{gemeente}')
  @Example<GemeenteDetail>(GEMEENTE_DETAIL)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeente')
  @Response<ProblemDetails>(400, 'A name that fits several gemeenten (listed), or a malformed asOf')
  @Response<ProblemDetails>(404, 'Unknown gemeente')
  @Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
  public async getGemeente(@Path() gemeente: string, @Request() req: ExRequest, @Query() asOf?: Instant): Promise<GemeenteDetail> {
    const view = await gemeenteDetail(this.service, gemeente, asOf);
    return answer(req, view, { dependsOn: gemeenteScope(this.service, view.code, view.region.code), asOf });
  }
}
