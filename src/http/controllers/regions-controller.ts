import { Controller, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { SonarService } from '../../domain/service';
import { RegionDetail, RegionGemeenten, RegionList, RegionTotals } from '../../domain/views';
import { Instant, Period } from '../headers';
import { ProblemDetails } from '../problem';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { gemeentenSheet, regionTotalsSheet } from '../../exports/figure-sheets';

const PROBLEM = 'application/problem+json';

@Route('regions')
@Tags('Regions')
export class RegionsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The 35 arbeidsmarktregio's of 2026 (CBS), by CBS code, with the number of gemeenten in each.
   * @summary The 35 arbeidsmarktregio's
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The regions')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Unknown query parameter', undefined, PROBLEM)
  public listRegions(@Request() req: ExRequest): RegionList {
    return answer(req, this.service.listRegions());
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
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Invalid region', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region', undefined, PROBLEM)
  public getRegion(@Path() region: string, @Request() req: ExRequest): RegionDetail {
    return answer(req, this.service.region(region));
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
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed period or asOf', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region, or no figures for it in that period', undefined, PROBLEM)
  public async getGemeenten(@Path() region: string, @Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<RegionGemeenten> {
    return answer(req, await this.service.gemeenten(region, period, asOf), jsonOrCsv(gemeentenSheet));
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
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed period or asOf', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region, or no figures for it in that period', undefined, PROBLEM)
  public async getTotals(@Path() region: string, @Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<RegionTotals> {
    return answer(req, await this.service.regionTotals(region, period, asOf), jsonOrCsv(regionTotalsSheet));
  }
}
