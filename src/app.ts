import express, { type Express } from 'express';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { Config } from './config';
import { SonarService } from './domain/service';
import openapi from './generated/swagger.json';
import { RegisterRoutes } from './generated/routes';
import { ApiKeys } from './http/authentication';
import { requireContentType } from './http/content-type';
import { errorHandler, notFoundHandler } from './http/problem';
import { readCache } from './http/read-cache';

export const API_VERSION: string = openapi.info.version;

export interface AppDeps {
  config: Config;
  service: SonarService;
  logger: Logger;
}

/** Builds the express app; listening, signals and the database's lifetime belong to server.ts. */
export function createApp({ config, service, logger }: AppDeps): Express {
  const app = express();
  app.set('strict routing', true); // /v1/regions/ is not /v1/regions
  app.set('case sensitive routing', true);
  app.set('x-powered-by', false);
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.locals.service = service;
  app.locals.apiKeys = new ApiKeys(config.API_KEYS);

  app.use((_req, res, next) => {
    res.setHeader('API-Version', API_VERSION);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/v1', readCache(service));
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve);
  app.get('/docs', swaggerUi.setup(openapi, { swaggerOptions: { url: '/v1/openapi.json' } }));

  app.post('/v1/uploads', requireContentType(['application/json']));
  app.use(express.json({ limit: config.JSON_BODY_LIMIT, strict: true, type: 'application/json' }));

  RegisterRoutes(app);

  app.use(notFoundHandler);
  app.use(errorHandler((error) => logger.error({ err: error }, 'unexpected error')));
  return app;
}
