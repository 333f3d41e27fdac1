import { Controller, Example, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { gemeenteSeries, nationalSeries, regionSeries } from '../../domain/series';
import { GemeenteSeries, NationalSeries, RegionSeries } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { GEMEENTE_SERIES, NATIONAL_SERIES, REGION_SERIES } from '../examples';
import { Instant, Period } from '../headers';
import { ProblemDetails } from '../problem';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { gemeenteSeriesSheet, nationalSeriesSheet, regionSeriesSheet } from '../../exports/figure-sheets';

const PROBLEM = 'application/problem+json';

/** Figures per period with the change from the period before, filtered as SDMX data queries are. */
@Route('')
export class SeriesController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The region's totals in every period with figures, oldest first: each point exactly as
   * `/regions/{region}/totals?period=` gives it, with `change` from the previous period with figures
   * (null for the first). Filters select points as SDMX does; they do not change a point's `change`.
   * @summary A region's totals over time
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @param startPeriod The first period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param endPeriod The last period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param lastNObservations Only the last this many points (of those between startPeriod and endPeriod).
   * @param asOf The series as it stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row per period, `Total-Count` rows after the header row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   * @isInt lastNObservations must be a whole number
   * @minimum lastNObservations 1
   * @maximum lastNObservations 10000
   * @example region "Twente"
   * @example startPeriod "2025-Q3"
   * @example lastNObservations 4
   */
  @Get('regions/{region}/series')
  @Tags('Regions')
  @Example<RegionSeries>(REGION_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The region series')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(400, 'Malformed filter: each offending parameter is named', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async getRegionSeries(
    @Path() region: string,
    @Request() req: ExRequest,
    @Query() startPeriod?: Period,
    @Query() endPeriod?: Period,
    @Query() lastNObservations?: number,
    @Query() asOf?: Instant,
    @Query() format?: Format,
    @Query() delimiter?: Delimiter,
  ): Promise<RegionSeries> {
    return answer(req, await regionSeries(this.service, region, { startPeriod, endPeriod, lastNObservations, asOf }), jsonOrCsv(regionSeriesSheet));
  }

  /**
   * The gemeente's figures in every period its region's upload lists it, oldest first: each point exactly
   * as its row in `/regions/{region}/gemeenten?period=`, with `change` from the previous period with
   * figures (null for the first; a gemeente has no register, so its ratio changes are null).
   * @summary A gemeente's figures over time
   * @param gemeente CBS code (`GM0141`) or name (`Almelo`, `Hengelo`); a name that fits several gemeenten is a 400.
   * @param startPeriod The first period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param endPeriod The last period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param lastNObservations Only the last this many points (of those between startPeriod and endPeriod).
   * @param asOf The series as it stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row per period, `Total-Count` rows after the header row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   * @isInt lastNObservations must be a whole number
   * @minimum lastNObservations 1
   * @maximum lastNObservations 10000
   * @example gemeente "Almelo"
   * @example lastNObservations 4
   */
  @Get('gemeenten/{gemeente}/series')
  @Tags('Gemeenten')
  @Example<GemeenteSeries>(GEMEENTE_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeente series')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(400, 'Malformed filter, or a name that fits several gemeenten (listed)', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown gemeente', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async getGemeenteSeries(
    @Path() gemeente: string,
    @Request() req: ExRequest,
    @Query() startPeriod?: Period,
    @Query() endPeriod?: Period,
    @Query() lastNObservations?: number,
    @Query() asOf?: Instant,
    @Query() format?: Format,
    @Query() delimiter?: Delimiter,
  ): Promise<GemeenteSeries> {
    return answer(req, await gemeenteSeries(this.service, gemeente, { startPeriod, endPeriod, lastNObservations, asOf }), jsonOrCsv(gemeenteSeriesSheet));
  }

  /**
   * The national totals in every period in which any region has figures, oldest first: each point
   * exactly as `/totals?period=` gives it (with `regions` and `missing`, so that a gap shows), with
   * `change` from the previous period (null for the first).
   * @summary The national totals over time
   * @param startPeriod The first period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param endPeriod The last period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`).
   * @param lastNObservations Only the last this many points (of those between startPeriod and endPeriod).
   * @param asOf The series as it stood at this instant (RFC 3339), from the uploads made at or before it.
   * @param format `csv` for CSV: one row per period, `Total-Count` rows after the header row.
   * @param delimiter With CSV: `semicolon` for Dutch Excel.
   * @isInt lastNObservations must be a whole number
   * @minimum lastNObservations 1
   * @maximum lastNObservations 10000
   * @example endPeriod "2026-06"
   * @example lastNObservations 4
   */
  @Get('series')
  @Tags('National')
  @Example<NationalSeries>(NATIONAL_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The national series')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(400, 'Malformed filter: each offending parameter is named', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async getNationalSeries(
    @Request() req: ExRequest,
    @Query() startPeriod?: Period,
    @Query() endPeriod?: Period,
    @Query() lastNObservations?: number,
    @Query() asOf?: Instant,
    @Query() format?: Format,
    @Query() delimiter?: Delimiter,
  ): Promise<NationalSeries> {
    return answer(req, await nationalSeries(this.service, { startPeriod, endPeriod, lastNObservations, asOf }), jsonOrCsv(nationalSeriesSheet));
  }
}
