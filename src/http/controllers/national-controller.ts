import { Controller, Get, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { SonarService } from '../../domain/service';
import { CoverageReport, NationalTotals, PeriodList } from '../../domain/views';
import { Instant, Period } from '../headers';
import { ProblemDetails } from '../problem';
import { MALFORMED_FIGURES_QUERY, NOT_MODIFIED, NO_FIGURES, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_QUERY_PARAMETER } from './responses';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { coverageSheet, nationalTotalsSheet } from '../../exports/figure-sheets';
import { periodScope } from '../../domain/staleness';

@Route('')
@Tags('National')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
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
  @Response<ProblemDetails>(400, MALFORMED_FIGURES_QUERY)
  @Response<ProblemDetails>(404, NO_FIGURES)
  public async getNationalTotals(@Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<NationalTotals> {
    const view = await this.service.nationalTotals(period, asOf);
    return answer(req, view, jsonOrCsv(nationalTotalsSheet, periodScope(undefined, view.period, period), asOf));
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
  @Response<ProblemDetails>(400, MALFORMED_FIGURES_QUERY)
  @Response<ProblemDetails>(404, NO_FIGURES)
  public async getCoverage(@Request() req: ExRequest, @Query() period?: Period, @Query() asOf?: Instant, @Query() format?: Format, @Query() delimiter?: Delimiter): Promise<CoverageReport> {
    const view = await this.service.coverage(period, asOf);
    return answer(req, view, jsonOrCsv(coverageSheet, periodScope(undefined, view.period, period), asOf));
  }

  /**
   * The periods that have figures in any region, oldest first, written YYYY-MM.
   * @summary Periods with figures
   */
  @Get('periods')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The periods')
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  public async getPeriods(@Request() req: ExRequest): Promise<PeriodList> {
    return answer(req, await this.service.periods());
  }
}
