import { Controller, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { ClassificationList, listClassifications } from '../../domain/classification-views';
import { SonarService } from '../../domain/service';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNKNOWN_QUERY_PARAMETER } from './responses';

@Route('classifications')
@Tags('Regions')
export class ClassificationsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The years whose gemeenten and arbeidsmarktregio's the service knows, oldest first: for each, its
   * number of gemeenten and regions, where the gemeenten come from, whether the region membership is
   * CBS's own table (`cbs`) or derived (`derived`, not CBS-verified), and when and by whom it was loaded;
   * and the herindelingen between the years. A period uses the classification in force on its last day.
   * @summary The classifications per year and the herindelingen
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The classifications')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  public listClassifications(@Request() req: ExRequest): ClassificationList {
    return answer(req, listClassifications(this.service.classifications));
  }
}
