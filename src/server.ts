import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app';
import { Config, loadConfig } from './config';
import { answerClientErrors } from './http/client-error';
import { SonarService } from './domain/service';
import { createLogger } from './logger';
import { FiguresStore } from './domain/ports';
import { openStore } from './storage/open-store';
import { databaseForLogs } from './storage/postgres/open-postgres';
import { DeliveryWorker } from './webhooks/delivery-worker';
import { deliverySettingsOf, eventSettingsOf } from './webhooks/settings';
import { Registry } from 'prom-client';

export interface RunningService {
  url: string;
  server: Server;
  store: FiguresStore;
  service: SonarService;
  /** Stops accepting, lets requests in flight finish, then closes the database. */
  stop(): Promise<void>;
}

/** Opens the database (migrating it and loading reference data on first start) and listens. */
export async function start(config: Config, logger: Logger = createLogger(config)): Promise<RunningService> {
  const store = await openStore(config, logger);
  let worker: DeliveryWorker | undefined;
  const metrics = new Registry();
  const service = await SonarService.open(store, undefined, eventSettingsOf(config), () => worker?.nudge());
  if (config.WEBHOOK_DELIVERY) worker = new DeliveryWorker(deliverySettingsOf(config, store.events, service, logger, { registry: metrics }));
  let stopping: Promise<void> | undefined;
  const listener = createApp({ config, service, logger, isReady: () => store.isAvailable() && stopping === undefined, metrics });
  worker?.start();
  if (config.API_KEYS.length === 0) logger.warn('API_KEYS is empty: the service answers reads, but every upload is refused');

  const server = createServer(listener).listen(config.PORT, config.HOST);
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.info({ url, database: databaseForLogs(config) }, 'listening');

  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      // Keep-alive connections go idle once their last response is out; close them then, not at their timeout.
      const drain = setInterval(() => server.closeIdleConnections(), 50);
      drain.unref();
      server.close(() => {
        clearTimeout(force);
        clearInterval(drain);
        // Attempts in flight end (within WEBHOOK_TIMEOUT_MS) and are recorded before the database closes.
        void (worker?.stop() ?? Promise.resolve()).then(() => store.close()).then(() => {
          logger.info('stopped');
          resolve();
        });
      });
      server.closeIdleConnections();
    });
    return stopping;
  };
  return { url, server, store, service, stop };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config);
  const running = await start(config, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void running.stop().then(() => process.exit(0));
    });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
