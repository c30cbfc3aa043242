import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { Lifecycle } from './lifecycle.service';
import { MigrationsHealthIndicator } from './migrations.health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** Liveness: the process answers. Never checks the database, or an outage would restart every pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and has every migration this build needs. */
  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.lifecycle.isShuttingDown) {
      throw new ServiceUnavailableException({ status: 'shutting_down' });
    }
    return this.health.check([() => this.database.ping(), () => this.migrations.check()]);
  }
}
