import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { createAdminApp } from './admin/admin-app';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config.service';
import { openDatabase } from './database/database';
import type { OpenDatabase } from './database/database';
import { runMigrations } from './database/migrator';
import { Lifecycle } from './health/lifecycle.service';
import { MCP_RUNTIME } from './mcp/mcp.module';
import type { McpRuntime } from './mcp/mcp-runtime';
import { Metrics } from './observability/metrics';
import { nestLogLevels } from './observability/nest-log-levels';
import { isOAuthBodyEndpoint, sendOAuthBodyError } from './oauth/http/oauth-body-errors';

export interface RunningServer {
  app: NestExpressApplication;
  /** The admin listener's application: admin API and /metrics, nothing else. */
  adminApp: NestExpressApplication;
  database: OpenDatabase;
  metrics: Metrics;
  /** Where the public listener really listens (PORT=0 picks a free port). */
  listeningUrl: string;
  /** Where the admin listener really listens (ADMIN_PORT=0 picks a free port). */
  adminUrl: string;
  /** Graceful stop: refuse new connections, finish in-flight requests, close the pool. */
  stop(): Promise<void>;
}

function boundPort(app: NestExpressApplication, configured: number): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : configured;
}

export interface StartHooks {
  /** Runs after migrations, before the listener opens (the demo seed on first start). */
  beforeListen?: (database: OpenDatabase) => Promise<void>;
}

/**
 * JSON (1 MB, the MCP endpoint's limit) and form bodies (64 kB). A body the parsers refuse at an
 * OAuth endpoint is answered in the OAuth error format; elsewhere the global filter answers.
 */
function bodyParsers(): (request: Request, response: Response, next: NextFunction) => void {
  const parse = [json({ limit: '1mb' }), urlencoded({ limit: '64kb', extended: false })];
  return (request, response, next) => {
    const [parseJson, parseForm] = parse as [(typeof parse)[0], (typeof parse)[1]];
    const failed = (error: unknown): void => {
      if (isOAuthBodyEndpoint(request.path))
        sendOAuthBodyError(response, error as { status?: number; message?: string });
      else next(error);
    };
    parseJson(request, response, (error?: unknown) => {
      if (error) return failed(error);
      parseForm(request, response, (formError?: unknown) => (formError ? failed(formError) : next()));
    });
  };
}

export async function startServer(config: AppConfig, hooks: StartHooks = {}): Promise<RunningServer> {
  NestLogger.overrideLogger(nestLogLevels(config.logLevel));
  const database = await openDatabase(config);
  // Applications created so far, closed if start-up fails half-way (a busy admin port, say).
  const created: NestExpressApplication[] = [];
  try {
    if (config.database.runMigrationsOnStart) await runMigrations(database.dataSource);
    await hooks.beforeListen?.(database);

    // One set of metrics per running service, not a process-global registry (see Metrics).
    const metrics = new Metrics(database.dataSource);
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(config, database.dataSource, metrics),
      { bufferLogs: true, bodyParser: false },
    );
    created.push(app);
    app.useLogger(app.get(Logger));
    app.disable('x-powered-by');
    app.use(metrics.httpDurations());
    // Baseline headers everywhere; the sign-in pages add their own CSP (oauth/http/page-response).
    // CORP stays off: browser-based MCP clients read metadata and tokens cross-origin under CORS.
    app.use(
      helmet({
        contentSecurityPolicy: false,
        crossOriginResourcePolicy: false,
        frameguard: { action: 'deny' },
        referrerPolicy: { policy: 'no-referrer' },
      }),
    );
    // Behind an ingress the client address and scheme come from X-Forwarded-*; trust only our hops.
    app.set('trust proxy', config.trustProxyHops);
    app.use(bodyParsers());

    // MCP tools run in Nest's microservice pipeline; inheritAppConfig lets the global filter reach
    // them (mcp-nest.md §3). Bound before listen() so the first request finds the tools.
    const mcp = app.get<McpRuntime>(MCP_RUNTIME);
    mcp.strategy.setHttpAdapter(app.getHttpAdapter());
    app.connectMicroservice({ strategy: mcp.strategy }, { inheritAppConfig: true });
    await app.startAllMicroservices();

    // The admin API and /metrics live in a second application on their own listener, so no
    // route of theirs can ever be reached through the public port (DESIGN.md "Admin endpoint").
    const adminApp = await createAdminApp(config, database.dataSource, metrics);
    created.push(adminApp);

    await app.listen(config.port, config.host);
    await adminApp.listen(config.adminPort, config.adminHost);
    const servers: Server[] = [app.getHttpServer(), adminApp.getHttpServer()];
    const lifecycle = app.get(Lifecycle);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        lifecycle.beginShutdown();
        // server.close() (inside app.close) stops accepting and waits for in-flight requests; past
        // the grace period remaining sockets are cut so a stuck client cannot block the rollout.
        const force = setTimeout(
          () => servers.forEach((s) => s.closeAllConnections()),
          config.shutdownGraceMs,
        );
        force.unref();
        try {
          await Promise.all([app.close(), adminApp.close()]);
        } finally {
          clearTimeout(force);
          await database.close();
        }
      })());

    return {
      app,
      adminApp,
      database,
      metrics,
      listeningUrl: `http://${config.host}:${boundPort(app, config.port)}`,
      adminUrl: `http://${config.adminHost}:${boundPort(adminApp, config.adminPort)}`,
      stop,
    };
  } catch (error) {
    await Promise.all(created.map((app) => app.close().catch(() => undefined)));
    await database.close().catch(() => undefined);
    throw error;
  }
}
