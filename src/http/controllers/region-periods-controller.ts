import { Controller, Example, Get, Path, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { regionPeriods } from '../../domain/series';
import { RegionPeriodList } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { REGION_PERIODS } from '../examples';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { INVALID_REGION, NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION } from './responses';
import { regionScope } from '../../domain/staleness';

@Route('regions')
@Tags('Regions')
export class RegionPeriodsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The periods in which the region has figures, oldest first.
   * @summary One region's periods
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @example region "Twente"
   */
  @Get('{region}/periods')
  @Example<RegionPeriodList>(REGION_PERIODS)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The region\'s periods')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, INVALID_REGION)
  @Response<ProblemDetails>(404, UNKNOWN_REGION)
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
  public async getRegionPeriods(@Path() region: string, @Request() req: ExRequest): Promise<RegionPeriodList> {
    const view = await regionPeriods(this.service, region);
    return answer(req, view, { dependsOn: regionScope(view.region.code) });
  }
}
