import { Module } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { RedisConnections } from '../common/redis/redis-connections';
import { RedisThrottlerStorage } from '../common/redis/redis-throttler.storage';
import { AppConfig } from '../config/app-config.service';
import { IdentityModule } from '../identity/identity.module';
import { AuthorizationFlowService } from './authorize/authorization-flow.service';
import { AuthorizeController } from './authorize/authorize.controller';
import { ConsentController } from './authorize/consent/consent.controller';
import { LoginController } from './authorize/login/login.controller';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientRegistrationService } from './clients/client-registration.service';
import { ClientResolver } from './clients/client-resolver.service';
import { ClientsRepository } from './clients/clients.repository';
import { MetadataDocumentCache } from './clients/metadata-document/metadata-document.cache';
import { RegistrationController } from './clients/registration.controller';
import { ConnectionsController } from './connections/connections.controller';
import { GrantsService } from './grants/grants.service';
import { BrowserSession } from './http/browser-session';
import { oauthCors } from './http/cors.middleware';
import { ExpiredRecordsCleaner } from './maintenance/expired-records.cleaner';
import { MetadataController } from './metadata/metadata.controller';
import { RevocationController } from './revocation/revocation.controller';
import { RevocationService } from './revocation/revocation.service';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { TokenController } from './token/token.controller';
import { BearerAuthGuard } from './tokens/bearer-auth.guard';
import { BearerStrategy } from './tokens/bearer.strategy';
import { TokenIssuer } from './tokens/token-issuer';
import { TokenValidator } from './tokens/token-validator.service';
import { WhoamiController } from './tokens/whoami.controller';

/** The OAuth 2.1 authorization server and the bearer-token validation resource servers use. */
@Module({
  imports: [
    IdentityModule,
    PassportModule,
    // Counted in Redis when REDIS_URL is set, so the limit holds across replicas; in this
    // process's memory otherwise (ADR 0011).
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisConnections],
      useFactory: (config: AppConfig, redis: RedisConnections) => ({
        throttlers: [{ name: 'registration', ttl: 3600_000, limit: config.oauth.registrationsPerHour }],
        ...(redis.enabled ? { storage: new RedisThrottlerStorage(redis) } : {}),
      }),
    }),
  ],
  controllers: [
    MetadataController,
    RegistrationController,
    AuthorizeController,
    LoginController,
    ConsentController,
    TokenController,
    RevocationController,
    ConnectionsController,
    WhoamiController,
  ],
  providers: [
    {
      provide: MetadataDocumentCache,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new MetadataDocumentCache({
          policy: {
            timeoutMs: config.oauth.cimd.fetchTimeoutMs,
            maxBytes: config.oauth.cimd.maxBytes,
            allowInsecureLoopback: config.oauth.cimd.allowInsecureLoopback,
          },
          minTtlSeconds: 60,
          maxTtlSeconds: 24 * 3600,
          defaultTtlSeconds: 300,
          maxEntries: 1000,
        }),
    },
    ClientsRepository,
    ClientRegistrationService,
    ClientResolver,
    ClientAuthenticator,
    GrantsService,
    AuthorizationFlowService,
    BrowserSession,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    TokenIssuer,
    TokenValidator,
    RevocationService,
    BearerStrategy,
    BearerAuthGuard,
    ExpiredRecordsCleaner,
  ],
  exports: [TokenValidator, BearerAuthGuard, GrantsService],
})
export class OAuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(oauthCors).forRoutes('.well-known/*path', 'register', 'token', 'revoke', 'introspect');
  }
}
