import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** Readiness answers within this bound even when the database hangs instead of refusing. */
const PING_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async ping(key = 'database') {
    const check = this.health.check(key);
    const started = Date.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PING_TIMEOUT_MS, 'database ping');
      return check.up({ responseTimeMs: Date.now() - started });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
