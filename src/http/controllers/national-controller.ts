import { Controller, Get, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { SonarService } from '../../domain/service';
import { CoverageReport, NationalTotals, PeriodList } from '../../domain/views';
import { Instant, Period } from '../headers';
import { ProblemDetails } from '../problem';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { coverageSheet, nationalTotalsSheet } from '../../exports/figure-sheets';

const PROBLEM = 'application/problem+json';

@Route('')
@Tags('National')
export class NationalController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * Totals over every region with figures for the period. Coverage is computed over the regions that
   * have a registerTotal.
   * @summary National totals and coverage
   * @param period `YYYY-MM`, or a quarter `YYYY-Qn` / `YYYYKWnn` (its last month); the latest period with figures when left out.
   * @param asOf The figures as they stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row of totals.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   */
  @Get('totals')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The national totals')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed period or asOf', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'No figures for that period', undefined, PROBLEM)
  public async getNationalTotals(@Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<NationalTotals> {
    return answer(req, await this.service.nationalTotals(period, asOf), jsonOrCsv(nationalTotalsSheet));
  }

  /**
   * Coverage and profile share of each region with figures for the period.
   * @summary Coverage per region
   * @param period `YYYY-MM`, or a quarter `YYYY-Qn` / `YYYYKWnn` (its last month); the latest period with figures when left out.
   * @param asOf The figures as they stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row per region, `Total-Count` rows after the header row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   */
  @Get('coverage')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'Coverage per region')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed period or asOf', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'No figures for that period', undefined, PROBLEM)
  public async getCoverage(@Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<CoverageReport> {
    return answer(req, await this.service.coverage(period, asOf), jsonOrCsv(coverageSheet));
  }

  /**
   * The periods that have figures in any region, oldest first, written YYYY-MM.
   * @summary Periods with figures
   */
  @Get('periods')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The periods')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Unknown query parameter', undefined, PROBLEM)
  public async getPeriods(@Request() req: ExRequest): Promise<PeriodList> {
    return answer(req, await this.service.periods());
  }
}
