import express from 'express';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import swaggerUi from 'swagger-ui-express';
import { Config } from './config';
import { SonarService } from './domain/service';
import openapi from './generated/swagger.json';
import { RegisterRoutes } from './generated/routes';
import { ApiKeys, requireApiKey } from './http/authentication';
import { observeKeptAnswers, observeRequests } from './http/observability';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem';
import { readCors } from './http/protection';
import { RateLimits } from './http/rate-limits';
import { KeptAnswers } from './http/kept-answers';
import { answer } from './http/answer';
import { RequestListener, requestListener } from './http/request-listener';
import { routeLabeler } from './http/route-label';
import { apiIndex } from './http/api-index';
import { methodNotAllowed } from './http/method-not-allowed';
import { knownPaths } from './http/operations';
import { rejectUnknownQueryParameters } from './http/query-parameters';
import { checkKeyRegions } from './http/write-access';
import { reportRoutes } from './report/routes';
import './http/request-state';
import { NOTHING } from './domain/staleness';

export const API_VERSION: string = openapi.info.version;
const BASE_PATH = openapi.servers[0].url;
const OPERATIONAL_PATHS: Record<string, string[]> = { '/': ['GET'], '/health': ['GET'], '/ready': ['GET'], '/metrics': ['GET'], [`${BASE_PATH}/openapi.json`]: ['GET'] };

export interface AppDeps {
  config: Config;
  service: SonarService;
  logger: Logger;
  /** False until the database is open and migrated, and again once shutdown begins. */
  isReady: () => boolean;
  /** Metrics kept elsewhere (the webhook deliveries), served with the request metrics. */
  metrics?: Registry;
}

/**
 * Builds the service's request listener: kept answers first, then the express app. Listening, signals and
 * the database's lifetime belong to server.ts.
 */
export function createApp({ config, service, logger, isReady, metrics }: AppDeps): RequestListener {
  const app = express();
  app.set('strict routing', true); // /v1/regions/ is not /v1/regions
  app.set('case sensitive routing', true);
  app.set('x-powered-by', false);
  app.set('etag', false); // reads get strong ETags from their answers (http/answer.ts)
  app.set('query parser', 'simple');
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  const answers = new KeptAnswers(service, `${BASE_PATH}/`, undefined, () => service.clock().getTime());
  app.locals.service = service;
  checkKeyRegions(config.API_KEYS, service.reference);
  app.locals.apiKeys = new ApiKeys(config.API_KEYS);
  app.locals.tableBodyLimit = config.TABLE_BODY_LIMIT;
  app.locals.jsonBodyLimit = config.JSON_BODY_LIMIT;
  app.locals.apiIndex = apiIndex(openapi, BASE_PATH);
  app.locals.answers = answers;
  app.locals.catalogue = {
    baseUrl: config.PUBLIC_BASE_URL,
    publisher: { name: config.CATALOG_PUBLISHER_NAME, iri: config.CATALOG_PUBLISHER_URI },
    contact: { name: config.CATALOG_CONTACT_NAME, email: config.CATALOG_CONTACT_EMAIL },
    licence: config.CATALOG_LICENCE,
  };
  const paths = knownPaths(openapi, BASE_PATH, OPERATIONAL_PATHS);
  const observed = observeRequests(logger, routeLabeler(BASE_PATH, Object.keys(openapi.paths), ['/health', '/ready', '/metrics', '/v1/openapi.json', BASE_PATH, '/rapport']));
  observeKeptAnswers(observed.registry, () => answers.served);
  const onError = (error: unknown) => logger.error({ err: error }, 'unexpected error');

  app.use(readCors);
  app.use(answers.middleware);
  app.use(rejectUnknownQueryParameters(paths));

  app.get('/', (_req, res) => {
    res.redirect(302, '/docs/');
  });
  // The document's index path is `/` under the server URL `/v1`, so generated clients ask for /v1/: it is the
  // index as /v1 is (operations.ts gives both the index's methods and query parameters).
  app.get(`${BASE_PATH}/`, (req, _res, next) => {
    req.url = BASE_PATH + req.url.slice(BASE_PATH.length + 1);
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', (_req, res) => {
    if (isReady()) res.json({ status: 'ready' });
    else sendProblem(res, { status: 503, detail: 'The service is starting or shutting down.' });
  });
  const served = metrics ? Registry.merge([observed.registry, metrics]) : observed.registry;
  app.get('/metrics', async (_req, res) => {
    res.type(served.contentType).send(await served.metrics());
  });
  app.get(`${BASE_PATH}/openapi.json`, (req) => {
    answer(req, openapi, { dependsOn: NOTHING });
  });
  // Swagger UI's page loads its assets by relative URL, so it lives at /docs/ (/docs redirects there).
  app.get('/docs/', swaggerUi.setup(undefined, { swaggerOptions: { url: `${BASE_PATH}/openapi.json` } }));
  app.use('/docs', swaggerUi.serve);

  app.use(reportRoutes(service, app.locals.catalogue)); // the report for people, outside the API

  // POST /v1/uploads is assembled in its controller (the key, the content type, then the body).
  app.delete(`${BASE_PATH}/uploads/:id`, requireApiKey, rejectUnknownQueryParameters(paths, ['DELETE']));

  RegisterRoutes(app);

  app.use(methodNotAllowed(paths));
  app.use(notFoundHandler);
  app.use(errorHandler(onError));
  return requestListener({ apiVersion: API_VERSION, observed, limits: config.RATE_LIMIT ? new RateLimits(config) : undefined, answers, routed: app, onError });
}
