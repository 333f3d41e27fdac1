import { Controller, Example, Get, Path, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { regionPeriods } from '../../domain/series';
import { RegionPeriodList } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { REGION_PERIODS } from '../examples';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';

const PROBLEM = 'application/problem+json';

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
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(400, 'Invalid region', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async getRegionPeriods(@Path() region: string, @Request() req: ExRequest): Promise<RegionPeriodList> {
    return answer(req, await regionPeriods(this.service, region));
  }
}
