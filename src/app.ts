import express, { type Express } from 'express';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { Config } from './config';
import { SonarService } from './domain/service';
import openapi from './generated/swagger.json';
import { RegisterRoutes } from './generated/routes';
import { ApiKeys } from './http/authentication';
import { requireContentType } from './http/content-type';
import { rememberBodyDigest } from './http/idempotency';
import { createMetrics, requestId, requestLogger } from './http/observability';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem';
import { openReads, rateLimits, securityHeaders } from './http/protection';
import { readCache } from './http/read-cache';
import { routeLabeler } from './http/route-label';

export const API_VERSION: string = openapi.info.version;
const BASE_PATH = openapi.servers[0].url;

export interface AppDeps {
  config: Config;
  service: SonarService;
  logger: Logger;
  /** False until the database is open and migrated, and again once shutdown begins. */
  isReady: () => boolean;
}

/** Builds the express app; listening, signals and the database's lifetime belong to server.ts. */
export function createApp({ config, service, logger, isReady }: AppDeps): Express {
  const app = express();
  app.set('strict routing', true); // /v1/regions/ is not /v1/regions
  app.set('case sensitive routing', true);
  app.set('x-powered-by', false);
  app.set('etag', false); // reads get strong ETags from the read cache
  app.set('query parser', 'simple');
  app.set('trust proxy', config.TRUST_PROXY ? 1 : false);
  app.locals.service = service;
  app.locals.apiKeys = new ApiKeys(config.API_KEYS);
  app.locals.tableBodyLimit = config.TABLE_BODY_LIMIT;

  const metrics = createMetrics(routeLabeler(BASE_PATH, Object.keys(openapi.paths), ['/health', '/ready', '/metrics', '/v1/openapi.json']));
  app.use(requestId, requestLogger(logger), metrics.middleware);
  app.use((_req, res, next) => {
    res.setHeader('API-Version', API_VERSION);
    next();
  });
  app.use(securityHeaders, openReads);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', (_req, res) => {
    if (isReady()) res.json({ status: 'ready' });
    else sendProblem(res, { status: 503, detail: 'The service is starting or shutting down.' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(rateLimits(config));
  app.use(BASE_PATH, readCache(service));
  app.get(`${BASE_PATH}/openapi.json`, (_req, res) => {
    res.json(openapi);
  });
  // Swagger UI's page loads its assets by relative URL, so it lives at /docs/ (/docs redirects there).
  app.get('/docs/', swaggerUi.setup(undefined, { swaggerOptions: { url: `${BASE_PATH}/openapi.json` } }));
  app.use('/docs', swaggerUi.serve);

  app.post(`${BASE_PATH}/uploads`, requireContentType(['application/json', 'text/tab-separated-values', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']));
  app.use(express.json({ limit: config.JSON_BODY_LIMIT, strict: true, type: 'application/json', verify: rememberBodyDigest }));

  RegisterRoutes(app);

  app.use(notFoundHandler);
  app.use(errorHandler((error) => logger.error({ err: error }, 'unexpected error')));
  return app;
}
