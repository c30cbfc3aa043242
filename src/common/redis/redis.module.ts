import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { RedisConnections } from './redis-connections';

/**
 * Optional Redis (REDIS_URL): what several replicas must share — rate-limit counters and legacy-SSE
 * routing (ADR 0011). Without REDIS_URL the connections are absent and each user of them keeps its
 * state in memory, which is right for a single replica.
 */
@Global()
@Module({
  providers: [
    {
      provide: RedisConnections,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new RedisConnections(config.redisUrl),
    },
  ],
  exports: [RedisConnections],
})
export class RedisModule {}
