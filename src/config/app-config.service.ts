import { resolve } from 'node:path';
import type { EnvironmentVariables, LogLevel } from './env.schema';
import { validateEnvironment } from './env.schema';

export interface DatabaseConfig {
  /** Set for an external PostgreSQL; undefined means the embedded PGlite database. */
  url?: string;
  ssl: boolean;
  dataDir: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  runMigrationsOnStart: boolean;
  seedDemoDataOnStart: boolean;
}

export interface TokenLifetimes {
  accessTokenSeconds: number;
  refreshTokenIdleSeconds: number;
  refreshTokenAbsoluteSeconds: number;
  authorizationCodeSeconds: number;
}

export interface OAuthConfig {
  /** The issuer: PUBLIC_URL, no trailing slash (RFC 8414 §2). */
  issuer: string;
  /** The MCP endpoint users paste into their client; tokens are bound to it (RFC 8707). */
  resource: string;
  /**
   * Every resource tokens may be issued for: the MCP endpoint and the legacy SSE endpoint, which
   * clients on the 2024-11-05 transport name as their resource (their SDKs check that the
   * protected-resource metadata matches the URL they were given).
   */
  resources: string[];
  allowedRedirectSchemes: string[];
  registrationsPerHour: number;
  loginSessionSeconds: number;
  authorizationRequestSeconds: number;
  /** Cookies get Secure and the __Host- prefix when the service is reached over https. */
  secureCookies: boolean;
  cimd: { fetchTimeoutMs: number; maxBytes: number; allowInsecureLoopback: boolean };
}

export interface McpConfig {
  /** Origin host names allowed on /v1/mcp (a missing Origin is always allowed). */
  allowedOrigins: string[];
  /** Host header names /v1/mcp answers to. */
  allowedHosts: string[];
  toolCallsPerMinute: number;
}

export interface LoginThrottleConfig {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/** Typed, validated configuration. Built once from the environment; injected everywhere else. */
export class AppConfig {
  readonly environment: EnvironmentVariables['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly adminHost: string;
  readonly adminPort: number;
  readonly publicUrl: string;
  readonly trustProxyHops: number;
  readonly logLevel: LogLevel;
  readonly redisUrl?: string;
  readonly shutdownGraceMs: number;
  readonly database: DatabaseConfig;
  readonly tokens: TokenLifetimes;
  readonly oauth: OAuthConfig;
  readonly loginThrottle: LoginThrottleConfig;
  readonly mcp: McpConfig;
  /** Minutes between fillings of the caches of past days; 0: never (docs/adr/0014). */
  readonly reportCacheWarmMinutes: number;

  constructor(env: EnvironmentVariables) {
    const embedded = env.DATABASE_URL === undefined;
    this.environment = env.NODE_ENV;
    this.host = env.HOST;
    this.port = env.PORT;
    this.adminHost = env.ADMIN_HOST;
    this.adminPort = env.ADMIN_PORT;
    this.publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
    this.trustProxyHops = env.TRUST_PROXY_HOPS;
    this.logLevel = env.LOG_LEVEL;
    this.redisUrl = env.REDIS_URL;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
    this.reportCacheWarmMinutes = env.REPORT_CACHE_WARM_MINUTES;
    this.database = {
      url: env.DATABASE_URL,
      ssl: env.DATABASE_SSL,
      dataDir: resolve(env.DATA_DIR),
      // PGlite is single-connection: a second pooled connection would wait on the first forever
      // inside a transaction (DESIGN.md, embedded default).
      poolSize: embedded ? 1 : env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: env.DATABASE_IDLE_TIMEOUT_MS,
      runMigrationsOnStart: env.MIGRATIONS_RUN ?? embedded,
      seedDemoDataOnStart: env.SEED_DEMO_DATA ?? embedded,
    };
    this.tokens = {
      accessTokenSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenIdleSeconds: env.REFRESH_TOKEN_IDLE_TTL_SECONDS,
      refreshTokenAbsoluteSeconds: env.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS,
      authorizationCodeSeconds: env.AUTHORIZATION_CODE_TTL_SECONDS,
    };
    this.oauth = {
      issuer: this.publicUrl,
      resource: `${this.publicUrl}/v1/mcp`,
      resources: [`${this.publicUrl}/v1/mcp`, `${this.publicUrl}/v1/sse`],
      allowedRedirectSchemes: env.OAUTH_ALLOWED_REDIRECT_SCHEMES,
      registrationsPerHour: env.OAUTH_REGISTRATIONS_PER_HOUR,
      loginSessionSeconds: env.LOGIN_SESSION_TTL_SECONDS,
      authorizationRequestSeconds: env.AUTHORIZATION_REQUEST_TTL_SECONDS,
      secureCookies: this.publicUrl.startsWith('https://'),
      cimd: {
        fetchTimeoutMs: env.CIMD_FETCH_TIMEOUT_MS,
        maxBytes: env.CIMD_MAX_BYTES,
        allowInsecureLoopback: env.CIMD_ALLOW_INSECURE_LOOPBACK_FOR_TESTS,
      },
    };
    const publicHost = new URL(this.publicUrl).hostname;
    const loopback = ['localhost', '127.0.0.1', '[::1]'];
    this.mcp = {
      allowedOrigins: [...new Set([publicHost, ...env.MCP_ALLOWED_ORIGINS])],
      allowedHosts: [
        ...new Set([publicHost, ...(env.MCP_ALLOWED_HOSTS.length > 0 ? env.MCP_ALLOWED_HOSTS : loopback)]),
      ],
      toolCallsPerMinute: env.MCP_TOOL_CALLS_PER_MINUTE,
    };
    this.loginThrottle = {
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    };
  }

  get usesEmbeddedDatabase(): boolean {
    return this.database.url === undefined;
  }

  /** The one place that reads process.env (STYLE.md, Config). */
  static fromProcessEnv(): AppConfig {
    return new AppConfig(validateEnvironment(process.env));
  }

  /** A secret handed to a CLI command through the environment (kept out of argv and history). */
  static secretFromEnvironment(name: 'TESORIO_PASSWORD'): string | undefined {
    return process.env[name];
  }

  static fromValues(values: Record<string, string | undefined>): AppConfig {
    return new AppConfig(validateEnvironment(values));
  }
}
