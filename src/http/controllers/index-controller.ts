import { Controller, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { ApiIndex } from '../api-index';
import { ProblemDetails } from '../problem';

const PROBLEM = 'application/problem+json';

@Route('')
@Tags('Index')
export class IndexController extends Controller {
  /**
   * Where to start: a link to each collection of the API, to the OpenAPI document and to Swagger UI.
   * @summary The index of the API
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string }>(200, 'The index')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Unknown query parameter', undefined, PROBLEM)
  public getIndex(@Request() request: ExpressRequest): ApiIndex {
    return request.app.locals.apiIndex as ApiIndex; // derived from the document once, at start-up (app.ts)
  }
}
