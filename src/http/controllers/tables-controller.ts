import { Controller, Get, Path, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExRequest } from 'express';
import { NationalTable, nationalTable, PublicationTable, regionTable } from '../../domain/publication-table';
import { SonarService } from '../../domain/service';
import { nationalTableSheet, regionTableSheet } from '../../exports/publication-table';
import { Period } from '../headers';
import { ProblemDetails } from '../problem';
import { MALFORMED_TABLE_QUERY, NOT_MODIFIED, NO_FIGURES, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION_OR_FIGURES } from './responses';
import { Delimiter } from '../representation';
import { answer } from '../answer';
import { periodScope } from '../../domain/staleness';

/**
 * `tsv` (the default), `csv` or `xlsx`; without it, Accept decides (text/tab-separated-values, text/csv or
 * the xlsx media type).
 * @example "tsv"
 */
export type TableFormat = 'tsv' | 'csv' | 'xlsx';

const TABLE_FORMS = ['tsv', 'csv', 'xlsx'] as const;

@Route('')
@Tags('Tables')
@Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
@Response<ProblemDetails>(400, MALFORMED_TABLE_QUERY)
export class TablesController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * The region's table as the publication prints it, to paste into the report or open in Excel: two Dutch
   * header rows, the region label as uploaded ("28 Twente", or "Twente" for a JSON upload) on the first
   * gemeente row, the gemeenten as the upload named them and in its order, counts written 1.218, and a
   * TOTAAL AMR row with every sum and the total (7.898). Uploading the file again (POST /v1/uploads, with
   * `period` and `registerTotal`) gives exactly the same figures.
   * @summary The publication table of a region (TSV, CSV or Excel)
   * @param region CBS code (`AM05`) or name (`Twente`, any case).
   * @param period `YYYY-MM`; the region's latest period with figures when left out.
   * @param format `tsv` (default), `csv` or `xlsx`.
   * @param delimiter With CSV: `semicolon` for Dutch Excel (with a UTF-8 byte order mark).
   * @example region "Twente"
   */
  @Get('regions/{region}/table')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The table, as a file')
  @Response<ProblemDetails>(404, UNKNOWN_REGION_OR_FIGURES)
  public async getRegionTable(@Path() region: string, @Request() req: ExRequest, @Query() period?: Period, @Query() format?: TableFormat, @Query() delimiter?: Delimiter): Promise<PublicationTable> {
    const view = await regionTable(this.service, region, period);
    return answer(req, view, { formats: TABLE_FORMS, sheet: regionTableSheet, dependsOn: periodScope(view.region.code, view.period, period) });
  }

  /**
   * Every region's TOTAAL row for the period with its doelgroepregister and coverage ("Bekend binnen
   * Sonar", 76%), the country's under them: two Dutch header rows, counts written 1.218.
   * @summary The national table (TSV, CSV or Excel)
   * @param period `YYYY-MM`; the latest period with figures when left out.
   * @param format `tsv` (default), `csv` or `xlsx`.
   * @param delimiter With CSV: `semicolon` for Dutch Excel (with a UTF-8 byte order mark).
   */
  @Get('table')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The table, as a file')
  @Response<ProblemDetails>(404, NO_FIGURES)
  public async getNationalTable(@Request() req: ExRequest, @Query() period?: Period, @Query() format?: TableFormat, @Query() delimiter?: Delimiter): Promise<NationalTable> {
    const view = await nationalTable(this.service, period);
    return answer(req, view, { formats: TABLE_FORMS, sheet: nationalTableSheet, dependsOn: periodScope(undefined, view.period, period) });
  }
}
