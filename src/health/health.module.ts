import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { Lifecycle } from './lifecycle.service';
import { MigrationsHealthIndicator } from './migrations.health';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, MigrationsHealthIndicator, Lifecycle],
  exports: [Lifecycle],
})
export class HealthModule {}
