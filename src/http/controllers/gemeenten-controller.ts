import { Controller, Example, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { gemeenteDetail, listGemeenten } from '../../domain/gemeenten';
import { GemeenteDetail, GemeenteList } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { GEMEENTE_DETAIL, GEMEENTE_LIST } from '../examples';
import { Instant } from '../headers';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_QUERY_PARAMETER } from './responses';
import { NOTHING, regionScope } from '../../domain/staleness';

@Route('gemeenten')
@Tags('Gemeenten')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
export class GemeentenController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The 342 gemeenten of 2026, by name, each with the arbeidsmarktregio it belongs to.
   * @summary All gemeenten
   */
  @Get()
  @Example<GemeenteList>(GEMEENTE_LIST)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeenten')
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  public listGemeenten(@Request() req: ExRequest): GemeenteList {
    return answer(req, listGemeenten(this.service), { dependsOn: NOTHING });
  }

  /**
   * One gemeente, found among all 342: its region and its figures in the latest period that has them.
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
    return answer(req, view, { dependsOn: regionScope(view.region.code) });
  }
}
