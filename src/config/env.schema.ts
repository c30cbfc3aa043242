import { Transform, plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

/**
 * Every environment variable the service reads, with its default. This class is the documentation
 * of the configuration surface: README and the Helm chart point here.
 */

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter((v) => v !== '')
    : value;

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class EnvironmentVariables {
  /** development | production | test. Production insists on an https PUBLIC_URL. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** Interface the public listener binds to. Containers set 0.0.0.0. */
  @IsString()
  HOST = '127.0.0.1';

  /** Public HTTP port (MCP, OAuth, pages, health). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Interface the admin listener binds to; never exposed by the public ingress. */
  @IsString()
  ADMIN_HOST = '127.0.0.1';

  /** Admin port (support-staff API, metrics). Must differ from PORT. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  ADMIN_PORT = 3001;

  /**
   * The externally visible base URL (scheme, host, optional port and path prefix, no trailing slash).
   * It is the OAuth issuer and the base of every advertised URL. Defaults to http://localhost:PORT.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/^[^?#]*[^/?#]$/, { message: 'PUBLIC_URL must not end with "/" nor carry a query or fragment' })
  PUBLIC_URL?: string;

  /** Number of reverse-proxy hops whose X-Forwarded-* headers are trusted (0 trusts none). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  /** postgres://user:pass@host:port/db. Unset: the embedded PGlite database in DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /** Use TLS to reach PostgreSQL (certificate verified). */
  @Transform(toBool)
  @IsBoolean()
  DATABASE_SSL = false;

  /** Directory of the embedded database (only without DATABASE_URL). */
  @IsString()
  DATA_DIR = './data';

  /** Connections in the pool (the embedded database always uses 1). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Give up opening a connection after this long, so an outage fails requests fast. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DATABASE_CONNECT_TIMEOUT_MS = 3000;

  /** Server-side statement_timeout for every connection. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  /** Close pooled connections idle for this long. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  DATABASE_IDLE_TIMEOUT_MS = 30_000;

  /**
   * Run pending migrations at start-up. Defaults to true on the embedded database and false with
   * DATABASE_URL, where migrations are an explicit step (`tesorio-mcp migrate`, the Helm hook).
   */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  MIGRATIONS_RUN?: boolean;

  /** Load the demo organizations on first start. Defaults like MIGRATIONS_RUN. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  SEED_DEMO_DATA?: boolean;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** redis://... Shares rate limits and legacy-SSE routing across replicas. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 3600;

  /** A refresh token unused for this long expires. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  REFRESH_TOKEN_IDLE_TTL_SECONDS = 30 * 86_400;

  /** No refresh chain outlives this, however often it is used. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(63_072_000)
  REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS = 90 * 86_400;

  /** OAuth 2.1 §4.1.2 recommends short-lived codes; we cap at 60 s. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60)
  AUTHORIZATION_CODE_TTL_SECONDS = 60;

  /** A browser sign-in (login page, consent, connected apps) lasts this long. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(7 * 86_400)
  LOGIN_SESSION_TTL_SECONDS = 12 * 3600;

  /** How long a user has to finish sign-in and consent after the client opened /authorize. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(3600)
  AUTHORIZATION_REQUEST_TTL_SECONDS = 900;

  /**
   * Private-use URI schemes (RFC 8252 §7.1) that registered clients may redirect to, comma
   * separated. Cursor registers cursor://anysphere.cursor-mcp/oauth/callback.
   */
  @Transform(toList)
  @IsArray()
  @Matches(/^[a-z][a-z0-9+.-]*$/, {
    each: true,
    message: 'each scheme must look like "cursor" (RFC 3986 scheme)',
  })
  OAUTH_ALLOWED_REDIRECT_SCHEMES: string[] = ['cursor', 'vscode', 'vscode-insiders', 'windsurf'];

  /** Dynamic client registrations accepted per client IP per hour (RFC 7591 §3 allows limits). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  OAUTH_REGISTRATIONS_PER_HOUR = 20;

  /** Failed sign-ins per account within the window before the account is throttled. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 10;

  /** Failed sign-ins per client IP within the window before that IP is throttled. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_FAILURES_PER_IP = 100;

  /** The window over which failures are counted; the first lock lasts a minute and doubles. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  /** Client ID Metadata Document fetch: time limit for the whole request. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(30_000)
  CIMD_FETCH_TIMEOUT_MS = 5000;

  /** Client ID Metadata Document fetch: largest body accepted. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  CIMD_MAX_BYTES = 65_536;

  /**
   * TEST ONLY: lets Client ID Metadata Documents be fetched over http from loopback, so tests can
   * serve one locally. Refused unless NODE_ENV=test (an SSRF guard must not be switchable in prod).
   */
  @Transform(toBool)
  @IsBoolean()
  CIMD_ALLOW_INSECURE_LOOPBACK_FOR_TESTS = false;

  /**
   * Browser origins (host names) allowed to call /v1/mcp, comma separated; requests without an
   * Origin header (desktop and server-side clients) are always allowed. MCP transports: "MUST
   * validate the Origin header"; PUBLIC_URL's host is always added.
   */
  @Transform(toList)
  @IsArray()
  @Matches(/^[a-z0-9.-]+$/, { each: true, message: 'each origin must be a host name such as claude.ai' })
  MCP_ALLOWED_ORIGINS: string[] = ['claude.ai', 'claude.com', 'chatgpt.com', 'localhost', '127.0.0.1'];

  /**
   * Host header values (host names) /v1/mcp answers to, comma separated, against DNS rebinding;
   * PUBLIC_URL's host is always added. Empty means PUBLIC_URL's host plus loopback names.
   */
  @Transform(toList)
  @IsArray()
  @Matches(/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/, {
    each: true,
    message: 'each host must be a host name such as mcp.example.com',
  })
  MCP_ALLOWED_HOSTS: string[] = [];

  /** MCP tool calls allowed per connection (grant) per minute; past it a call is refused. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MCP_TOOL_CALLS_PER_MINUTE = 300;

  /**
   * Every this many minutes a replica fills the caches of past days of every organization: KPI
   * totals of the last 92 days and 25 month ends, aging of the last 13 (docs/adr/0014); 0: never.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1440)
  REPORT_CACHE_WARM_MINUTES = 30;

  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300_000)
  SHUTDOWN_GRACE_MS = 10_000;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates raw environment variables; throws ConfigurationError naming every bad variable. */
export function validateEnvironment(raw: Record<string, string | undefined>): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables()).concat([
    'PUBLIC_URL',
    'DATABASE_URL',
    'MIGRATIONS_RUN',
    'SEED_DEMO_DATA',
    'REDIS_URL',
  ]);
  const subset: Record<string, string> = {};
  for (const key of known) {
    const value = raw[key];
    if (value !== undefined) subset[key] = value;
  }
  const env = plainToInstance(EnvironmentVariables, subset, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: true });
  const problems = errors.map((e) => {
    const name = e.property;
    const shown = name in subset ? JSON.stringify(subset[name]) : '(unset)';
    return `${name}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
  });
  if (env.PORT === env.ADMIN_PORT && env.PORT !== 0) {
    problems.push(`ADMIN_PORT=${env.ADMIN_PORT}: must differ from PORT`);
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL?.startsWith('https://')) {
    problems.push('PUBLIC_URL: must be set to an https:// URL when NODE_ENV=production');
  }
  if (env.REFRESH_TOKEN_IDLE_TTL_SECONDS > env.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS) {
    problems.push('REFRESH_TOKEN_IDLE_TTL_SECONDS: must not exceed REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS');
  }
  if (env.CIMD_ALLOW_INSECURE_LOOPBACK_FOR_TESTS && env.NODE_ENV !== 'test') {
    problems.push('CIMD_ALLOW_INSECURE_LOOPBACK_FOR_TESTS: may only be set when NODE_ENV=test');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}
