import { Controller, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { listMeasures, MeasureList } from '../../domain/measures';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNKNOWN_QUERY_PARAMETER } from './responses';
import { NOTHING } from '../../domain/staleness';

@Route('measures')
@Tags('Tables')
export class MeasuresController extends Controller {
  /**
   * What each figure means: the four counts, the total, the doelgroepregister, coverage and profile share,
   * each with its Dutch label as the publication prints it, an English label, a definition and a unit.
   * The table exports print the same Dutch labels.
   * @summary The measures and their words
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The measures')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  public listMeasures(@Request() req: ExRequest): MeasureList {
    return answer(req, listMeasures(), { dependsOn: NOTHING });
  }
}
