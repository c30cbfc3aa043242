import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.service';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Paths pino replaces with "[redacted]" wherever a log object carries them. Request and response
 * serializers below already drop headers and query strings; this list catches secrets that reach a
 * log through an error or a custom field.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'res.headers.location',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.code',
  '*.code_verifier',
  '*.client_secret',
  '*.clientSecret',
  '*.apiKey',
];

function pathOnly(url: string | undefined): string {
  // Query strings can carry OAuth codes and states: never log them.
  return (url ?? '').split('?')[0];
}

/** Probes hit these every few seconds; logging each would drown everything else. */
const isProbe = (path: string): boolean => path.startsWith('/health/');

let stdout: DestinationStream | undefined;

/**
 * stdout for every logger of the process, written in batches: one write per 4 kB of log lines, or
 * at least every 200 ms, instead of one per line (two lines per MCP request: the access line and
 * the tool call). Each write was a round trip through libuv's thread pool on the service's only
 * JavaScript thread (bench/README.md, MCP). Pending lines are written when the process exits.
 * One destination for the public and the admin application, so their lines never interleave.
 */
function logDestination(): DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 });
  return stdout;
}

/** `quiet`: paths whose requests are not logged (probes; on the admin port, Prometheus scrapes). */
export function loggerParams(config: AppConfig, quiet: (path: string) => boolean = isProbe): Params {
  return {
    pinoHttp: [
      {
        level: config.logLevel,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        // Reuse a well-formed upstream id (ingress, client) so one request can be followed across hops.
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const incoming = req.headers['x-request-id'];
          const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
          res.setHeader('X-Request-Id', id);
          return id;
        },
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            path: pathOnly(req.url),
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        customLogLevel: (_req, res, error) =>
          error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        autoLogging: { ignore: (req) => quiet(pathOnly(req.url)) },
      },
      logDestination(),
    ],
  };
}
