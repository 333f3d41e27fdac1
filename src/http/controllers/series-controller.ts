import { Controller, Example, Get, Path, Queries, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { gemeenteSeries, nationalSeries, regionSeries, SeriesFilters } from '../../domain/series';
import { GemeenteSeries, NationalSeries, RegionSeries } from '../../domain/series-views';
import { SonarService } from '../../domain/service';
import { GEMEENTE_SERIES, NATIONAL_SERIES, REGION_SERIES } from '../examples';
import { Instant, Period } from '../headers';
import { ProblemDetails } from '../problem';
import { MALFORMED_FILTER, NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION } from './responses';
import { Delimiter, Format } from '../representation';
import { answer, jsonOrCsv } from '../answer';
import { gemeenteSeriesSheet, nationalSeriesSheet, regionSeriesSheet } from '../../exports/figure-sheets';
import { EVERYTHING, regionScope } from '../../domain/staleness';
import { gemeenteScope } from '../../domain/gemeenten';

/** What a series read takes besides its path: SDMX's filters, the instant, and the representation. */
export interface SeriesQuery {
  /**
   * The first period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`); endPeriod must not come before it.
   * @example "2025-Q3"
   */
  startPeriod?: Period;
  /**
   * The last period to include (`YYYY-MM`, `YYYY-Qn` or `YYYYKWnn`); must not come before startPeriod (400 naming endPeriod).
   * @example "2026-06"
   */
  endPeriod?: Period;
  /**
   * Only the last this many points (of those between startPeriod and endPeriod).
   * @isInt must be a whole number
   * @minimum 1
   * @maximum 10000
   * @example 4
   */
  lastNObservations?: number;
  /** The series as it stood at this instant (RFC 3339), from the uploads made at or before it. */
  asOf?: Instant;
  /** `csv` for CSV: one row per period, `Total-Count` rows after the header row. */
  format?: Format;
  /** With CSV: `semicolon` for Dutch Excel. */
  delimiter?: Delimiter;
}

/** A region's or gemeente's series also takes the year whose regions and gemeenten every point is to be given in. */
export interface ClassifiedSeriesQuery extends SeriesQuery {
  /**
   * Every point in the gemeenten and regions of this year (`YYYY`): figures of gemeenten merged into a
   * gemeente, or of gemeenten that joined a region, are summed; a period whose gemeente was split, or was
   * several of that year's together, is listed in `notComparable` with the reason and no number.
   * @pattern ^(19|20)[0-9]{2}$ must be a year written YYYY
   * @example "2022"
   */
  classification?: string;
}

const filtersOf = ({ startPeriod, endPeriod, lastNObservations, asOf }: SeriesQuery): SeriesFilters => ({ startPeriod, endPeriod, lastNObservations, asOf });

/** Figures per period with the change from the period before, filtered as SDMX data queries are. */
@Route('')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
export class SeriesController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The region's totals in every period with figures, oldest first: each point exactly as
   * `/regions/{region}/totals?period=` gives it, with `change` from the previous period with figures
   * (null for the first). Filters select points as SDMX does; they do not change a point's `change`. A
   * point whose region had other gemeenten (or another name) than at the point before says what changed
   * (`classificationChange`); with `classification=YYYY` every point is the region as it was in that year.
   * @summary A region's totals over time
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @example region "Twente"
   */
  @Get('regions/{region}/series')
  @Tags('Regions')
  @Example<RegionSeries>(REGION_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The region series')
  @Response<ProblemDetails>(400, MALFORMED_FILTER)
  @Response<ProblemDetails>(404, UNKNOWN_REGION)
  public async getRegionSeries(
    @Path() region: string,
    @Request() req: ExRequest,
    @Queries() query: ClassifiedSeriesQuery,
  ): Promise<RegionSeries> {
    const view = await regionSeries(this.service, region, filtersOf(query), query.classification);
    // In another year's classification a region's points may sum gemeenten that other regions' uploads held.
    return answer(req, view, jsonOrCsv(regionSeriesSheet, query.classification === undefined ? regionScope(view.region.code) : EVERYTHING, query.asOf));
  }

  /**
   * The gemeente's figures in every period its region's upload lists it, oldest first: each point exactly
   * as its row in `/regions/{region}/gemeenten?period=`, with `change` from the previous period with
   * figures (null for the first; a gemeente has no register, so its ratio changes are null). A point
   * where a herindeling touched the gemeente since the point before says what changed
   * (`classificationChange`); with `classification=YYYY`, every point is given in the gemeenten of that
   * year. A gemeente of an earlier year is found too (`Weesp`).
   * @summary A gemeente's figures over time
   * @param gemeente CBS code (`GM0141`) or name (`Almelo`, `Hengelo`); a name that fits several gemeenten is a 400.
   * @example gemeente "Almelo"
   */
  @Get('gemeenten/{gemeente}/series')
  @Tags('Gemeenten')
  @Example<GemeenteSeries>(GEMEENTE_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The gemeente series')
  @Response<ProblemDetails>(400, 'Malformed filter, or a name that fits several gemeenten (listed)')
  @Response<ProblemDetails>(404, 'Unknown gemeente')
  public async getGemeenteSeries(
    @Path() gemeente: string,
    @Request() req: ExRequest,
    @Queries() query: ClassifiedSeriesQuery,
  ): Promise<GemeenteSeries> {
    const view = await gemeenteSeries(this.service, gemeente, filtersOf(query), query.classification);
    const dependsOn = query.classification === undefined ? gemeenteScope(this.service, view.gemeente.code, view.gemeente.region.code) : EVERYTHING;
    return answer(req, view, jsonOrCsv(gemeenteSeriesSheet, dependsOn, query.asOf));
  }

  /**
   * The national totals in every period in which any region has figures, oldest first: each point
   * exactly as `/totals?period=` gives it (with `regions` and `missing`, so that a gap shows), with
   * `change` from the previous period (null for the first).
   * @summary The national totals over time
   */
  @Get('series')
  @Tags('National')
  @Example<NationalSeries>(NATIONAL_SERIES)
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The national series')
  @Response<ProblemDetails>(400, MALFORMED_FILTER)
  public async getNationalSeries(
    @Request() req: ExRequest,
    @Queries() query: SeriesQuery,
  ): Promise<NationalSeries> {
    return answer(req, await nationalSeries(this.service, filtersOf(query)), jsonOrCsv(nationalSeriesSheet, EVERYTHING, query.asOf));
  }
}
