import { Body, Controller, Delete, Get, Middlewares, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { SonarService } from '../../domain/service';
import {
  createSubscription, deleteSubscription, getSubscription, listSubscriptions, rotateSecret, SubscriptionList, SubscriptionRequest, SubscriptionView, SubscriptionWithSecret,
} from '../../domain/subscriptions';
import { writerOf } from '../authentication';
import { requireContentType } from '../content-type';
import { readJsonBody } from '../json-upload';
import { ProblemDetails } from '../problem';
import { NO_API_KEY, NO_SUCH_SUBSCRIPTION, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_QUERY_PARAMETER } from './responses';

/**
 * A subscription's id, as its creation gave it.
 * @pattern ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ must be a subscription id
 * @example "8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11"
 */
export type SubscriptionId = string;

@Route('subscriptions')
@Tags('Subscriptions')
@Security('apiKey')
@Response<ProblemDetails>(401, NO_API_KEY)
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS)
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
export class SubscriptionsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * Subscribes a callback URL to the events (types and regions optional: all; a key limited to regions
   * subscribes to its own only). Each event is POSTed to it in CloudEvents structured mode
   * (`application/cloudevents+json`), signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
   * `webhook-signature`) with the secret this answer holds, once. A 2xx ends a delivery; anything else, a
   * timeout or a refused connection is retried with exponential backoff for at least 24 hours; the events
   * of one region arrive in commit order. The URL must be https and must not resolve to a loopback,
   * private, link-local or metadata address, checked now and at every delivery.
   * @summary Subscribe a webhook
   */
  @Post()
  @Middlewares(requireContentType(['application/json']), readJsonBody)
  @SuccessResponse<{ 'API-Version': string; Location: string }>(201, 'Subscribed; `secret` is shown this once')
  @Response<ProblemDetails>(400, 'Invalid subscription: a URL that may not be called, an unknown type or region, or a region the key may not write')
  @Response<ProblemDetails>(413, 'Body too large')
  @Response<ProblemDetails>(415, 'Unsupported content type')
  @Response<ProblemDetails>(503, 'WEBHOOK_SECRETS_KEY is not configured, or the database cannot be reached')
  public async createSubscription(@Request() request: ExpressRequest, @Body() body: SubscriptionRequest): Promise<SubscriptionWithSecret> {
    const created = await createSubscription(this.service, this.service.events, writerOf(request), body);
    this.setStatus(201);
    this.setHeader('Location', `/v1/subscriptions/${created.id}`);
    return created;
  }

  /**
   * The subscriptions of the key asking, with how their deliveries go.
   * @summary List your subscriptions
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string }>(200, 'The subscriptions of this key')
  @Response<ProblemDetails>(400, UNKNOWN_QUERY_PARAMETER)
  public async listSubscriptions(@Request() request: ExpressRequest): Promise<SubscriptionList> {
    return listSubscriptions(this.service, writerOf(request));
  }

  /**
   * One subscription of the key asking: whether it is enabled, deliveries made, failed and pending, and
   * the last failure.
   * @summary One subscription
   * @param id The subscription's id, as its creation gave it.
   */
  @Get('{id}')
  @SuccessResponse<{ 'API-Version': string }>(200, 'The subscription')
  @Response<ProblemDetails>(400, 'Malformed id')
  @Response<ProblemDetails>(404, NO_SUCH_SUBSCRIPTION)
  public async getSubscription(@Path() id: SubscriptionId, @Request() request: ExpressRequest): Promise<SubscriptionView> {
    return getSubscription(this.service, writerOf(request), id);
  }

  /**
   * Ends a subscription: nothing more is delivered to it.
   * @summary Unsubscribe
   * @param id The subscription's id, as its creation gave it.
   */
  @Delete('{id}')
  @SuccessResponse<{ 'API-Version': string }>(204, 'Unsubscribed')
  @Response<ProblemDetails>(400, 'Malformed id')
  @Response<ProblemDetails>(404, NO_SUCH_SUBSCRIPTION)
  public async deleteSubscription(@Path() id: SubscriptionId, @Request() request: ExpressRequest): Promise<void> {
    await deleteSubscription(this.service, writerOf(request), id);
    this.setStatus(204);
  }

  /**
   * A new signing secret, shown this once. For 24 hours deliveries carry two signatures, one with each
   * secret (as Standard Webhooks allows), so that the receiver can switch without missing one.
   * @summary Rotate the signing secret
   * @param id The subscription's id, as its creation gave it.
   */
  @Post('{id}/secret')
  @SuccessResponse<{ 'API-Version': string }>(200, 'The new secret; the one before signs beside it for 24 hours')
  @Response<ProblemDetails>(400, 'Malformed id')
  @Response<ProblemDetails>(404, NO_SUCH_SUBSCRIPTION)
  @Response<ProblemDetails>(503, 'WEBHOOK_SECRETS_KEY is not configured, or the database cannot be reached')
  public async rotateSecret(@Path() id: SubscriptionId, @Request() request: ExpressRequest): Promise<SubscriptionWithSecret> {
    return rotateSecret(this.service, this.service.events, writerOf(request), id);
  }
}
