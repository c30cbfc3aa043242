import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.service';
import type { Metrics } from '../observability/metrics';
import { AdminAppModule } from './admin-app.module';

/** Admin calls carry a reason, never more: a small body limit. */
const BODY_LIMIT = '64kb';

function jsonBodies(): (request: Request, response: Response, next: NextFunction) => void {
  const parse = json({ limit: BODY_LIMIT });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const status = (error as { status?: number }).status ?? 400;
      response.status(status === 413 ? 413 : 400).json({
        error: 'invalid_argument',
        message: `The body must be a JSON object of at most ${BODY_LIMIT}, such as {"reason": "..."}.`,
      });
    });
}

/**
 * The admin listener's Nest application (not yet listening). It shares the public application's
 * DataSource and Metrics; `startServer` opens it on ADMIN_HOST:ADMIN_PORT and closes it with the
 * public one. Admin responses are never cached.
 */
export async function createAdminApp(
  config: AppConfig,
  dataSource: DataSource,
  metrics: Metrics,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AdminAppModule.forRoot(config, dataSource, metrics),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(metrics.httpDurations());
  app.use(helmet());
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(jsonBodies());
  return app;
}
