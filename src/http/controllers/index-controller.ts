import { Controller, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { ApiIndex } from '../api-index';
import { ProblemDetails } from '../problem';
import { TOO_MANY_REQUESTS, UNKNOWN_QUERY_PARAMETER } from './responses';

@Route('')
@Tags('Index')
export class IndexController extends Controller {
  /**
   * Where to start: a link to each collection of the API, to the OpenAPI document and to Swagger UI.
   * @summary The index of the API
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string }>(200, 'The index')
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  public getIndex(@Request() request: ExpressRequest): ApiIndex {
    return request.app.locals.apiIndex as ApiIndex; // derived from the document once, at start-up (app.ts)
  }
}
