import { Controller, Get, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { EventPage } from '../../domain/event-feed';
import { SonarService } from '../../domain/service';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { NOT_MODIFIED, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION } from './responses';

@Route('events')
@Tags('Events')
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
export class EventsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * Every committed change of the figures, oldest first, as CloudEvents 1.0 (NL GOV profile): figures
   * published for a region and period, and uploads withdrawn. Each event is written in the transaction of
   * its change, so the feed holds what was committed and nothing else. Page on with the cursor of `next`
   * (also the `Link: rel="next"` header): a consumer that keeps it misses nothing and sees nothing twice,
   * and asking with it again later gives what came since. Events are kept for EVENT_RETENTION_DAYS (90
   * days by default); a cursor older than that is answered 410.
   * @summary The event feed
   * @param after The `next` cursor of the page before (opaque); absent: from the oldest event kept.
   * @param type Only events of this type.
   * @example type "nl.uwv.sonar-transparency.figures-published"
   * @param region Only events of this region (CBS code or name).
   * @example region "AM05"
   * @param limit At most this many events (one page).
   * @example limit 100
   * @isInt limit must be a whole number
   * @minimum limit 1
   * @maximum limit 1000
   */
  @Get()
  @SuccessResponse<{
    'API-Version': string; ETag: string; 'Cache-Control': string;
    /** RFC 8288 link to the next page: `</v1/events?after=…>; rel="next"`. */
    Link: string;
  }>(200, 'Events, oldest first')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, 'Malformed cursor, type or limit')
  @Response<ProblemDetails>(404, UNKNOWN_REGION)
  @Response<ProblemDetails>(410, 'The cursor is older than the events kept; start again without `after`')
  public async listEvents(
    @Request() request: ExpressRequest,
    @Query() after?: string, @Query() type?: string, @Query() region?: string, @Query() limit = 100,
  ): Promise<EventPage> {
    const { page, validUntil } = await this.service.eventFeed({ after, type, region, limit });
    const kept = Object.entries(request.query).filter(([name, value]) => name !== 'after' && typeof value === 'string') as Array<[string, string]>;
    const next = `${request.baseUrl}${request.path}?${new URLSearchParams([...kept, ['after', page.next]]).toString()}`;
    return answer(request, page, { headers: { Link: `<${next}>; rel="next"` }, keptUntil: validUntil });
  }
}
