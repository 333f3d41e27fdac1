import { Controller, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { ApiIndex } from '../api-index';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNKNOWN_QUERY_PARAMETER } from './responses';
import { NOTHING } from '../../domain/staleness';

@Route('')
@Tags('Index')
export class IndexController extends Controller {
  /**
   * Where to start: a link to each collection of the API, to the OpenAPI document and to Swagger UI. Like
   * every read under /v1/, it comes with an ETag to send back in If-None-Match.
   * @summary The index of the API
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The index')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  public getIndex(@Request() request: ExpressRequest): ApiIndex {
    return answer(request, request.app.locals.apiIndex, { dependsOn: NOTHING }); // derived from the document once, at start-up (app.ts)
  }
}
