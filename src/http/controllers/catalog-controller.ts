import { Controller, Extension, Get, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { catalogue, CatalogueDocument } from '../../domain/catalogue';
import { SonarService } from '../../domain/service';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNKNOWN_QUERY_PARAMETER } from './responses';

@Route('catalog')
@Tags('Catalogue')
export class CatalogController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The open data this service publishes, described in DCAT-AP-NL 3.0 for data portals to harvest
   * (data.overheid.nl): the catalogue, the dataset "Transparantie van klantprofielen" with its temporal
   * coverage from the periods held, one distribution per download (CSV, semicolon CSV, TSV and xlsx of the
   * national table and of each region's latest table), and this API as a data service described by its
   * OpenAPI document. JSON-LD by default; Turtle for `Accept: text/turtle`. Code-list values are the EU
   * vocabularies' IRIs; publisher, contact and licence come from the service's configuration.
   * @summary The DCAT-AP-NL catalogue
   */
  @Get()
  @Extension('x-produces', ['application/ld+json', 'text/turtle'])
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The catalogue')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  @Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
  public async getCatalog(@Request() req: ExRequest): Promise<CatalogueDocument> {
    return answer(req, await catalogue(this.service, req.app.locals.catalogue), { formats: ['jsonld', 'turtle'] });
  }
}
