import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
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

/** `quiet`: paths whose requests are not logged (probes; on the admin port, Prometheus scrapes). */
export function loggerParams(config: AppConfig, quiet: (path: string) => boolean = isProbe): Params {
  return {
    pinoHttp: {
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
  };
}
