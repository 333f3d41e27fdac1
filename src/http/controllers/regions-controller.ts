import { Controller, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { SonarService } from '../../domain/service';
import { RegionDetail, RegionGemeenten, RegionList, RegionTotals } from '../../domain/views';
import { Instant, Period, Year } from '../headers';
import { ProblemDetails } from '../problem';
import { INVALID_REGION, MALFORMED_FIGURES_QUERY, NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION, UNKNOWN_REGION_OR_FIGURES } from './responses';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { gemeentenSheet, regionTotalsSheet } from '../../exports/figure-sheets';
import { NOTHING, periodScope } from '../../domain/staleness';

@Route('regions')
@Tags('Regions')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
export class RegionsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The 35 arbeidsmarktregio's of 2026 (CBS), by CBS code, with the number of gemeenten in each; with
   * `year`, those of that year (2019 and 2020 have a 36th, AM99 "Niet in te delen") and whether their
   * membership is CBS's own table or derived (see `GET /v1/classifications`).
   * @summary The 35 arbeidsmarktregio's
   * @param year The classification of this year (`YYYY`); a year not loaded is a 400 naming those loaded.
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The regions')
  @Response<ProblemDetails>(400, 'An unknown query parameter, a malformed year or a year without a classification')
  public listRegions(@Request() req: ExRequest, @Query() year?: Year): RegionList {
    return answer(req, this.service.listRegions(year), { dependsOn: NOTHING });
  }

  /**
   * One region with its gemeenten (CBS codes and names). An unknown region is 404 with the closest
   * names and codes; a gemeente's name says which region it is in.
   * @summary One region with its gemeenten
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @example region "Twente"
   */
  @Get('{region}')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The region')
  @Response<ProblemDetails>(400, INVALID_REGION)
  @Response<ProblemDetails>(404, UNKNOWN_REGION)
  public getRegion(@Path() region: string, @Request() req: ExRequest): RegionDetail {
    return answer(req, this.service.region(region), { dependsOn: NOTHING });
  }

  /**
   * The figures of each gemeente of the region for one period, and the gemeenten without figures.
   * @summary A region's figures per gemeente
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @param period `YYYY-MM`, or a quarter `YYYY-Qn` / `YYYYKWnn` (its last month); the region's latest period with figures when left out.
   * @param asOf The figures as they stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row per gemeente, `Total-Count` rows after the header row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   * @example region "Twente"
   */
  @Get('{region}/gemeenten')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeenten with their figures')
  @Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
  @Response<ProblemDetails>(400, MALFORMED_FIGURES_QUERY)
  @Response<ProblemDetails>(404, UNKNOWN_REGION_OR_FIGURES)
  public async getGemeenten(@Path() region: string, @Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<RegionGemeenten> {
    const view = await this.service.gemeenten(region, period, asOf);
    return answer(req, view, jsonOrCsv(gemeentenSheet, periodScope(view.region.code, view.period, period), asOf));
  }

  /**
   * The region's TOTAAL AMR row, its doelgroepregister, coverage (Sonar total / register) and profile
   * share (clients with a profile / Sonar total).
   * @summary A region's totals and coverage
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @param period `YYYY-MM`, or a quarter `YYYY-Qn` / `YYYYKWnn` (its last month); the region's latest period with figures when left out.
   * @param asOf The figures as they stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row, the TOTAAL AMR row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   * @example region "Twente"
   */
  @Get('{region}/totals')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The region totals')
  @Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
  @Response<ProblemDetails>(400, MALFORMED_FIGURES_QUERY)
  @Response<ProblemDetails>(404, UNKNOWN_REGION_OR_FIGURES)
  public async getTotals(@Path() region: string, @Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<RegionTotals> {
    const view = await this.service.regionTotals(region, period, asOf);
    return answer(req, view, jsonOrCsv(regionTotalsSheet, periodScope(view.region.code, view.period, period), asOf));
  }
}
