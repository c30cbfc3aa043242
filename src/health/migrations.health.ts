import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { hasPendingMigrations } from '../database/migrator';

/**
 * Not ready while the database lacks migrations this build needs (the Helm hook has not run yet).
 * Once none are pending we stop asking: schemas do not go backwards under a running pod.
 */
@Injectable()
export class MigrationsHealthIndicator {
  private upToDate = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'migrations') {
    const check = this.health.check(key);
    if (this.upToDate) return check.up();
    try {
      this.upToDate = !(await hasPendingMigrations(this.dataSource));
      return this.upToDate
        ? check.up()
        : check.down({ message: 'pending migrations: run `tesorio-mcp migrate`' });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
