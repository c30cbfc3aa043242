import { Injectable } from '@nestjs/common';

/** Tracks whether the process is shutting down, so readiness can fail first and traffic drains. */
@Injectable()
export class Lifecycle {
  private stopping = false;

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  beginShutdown(): void {
    this.stopping = true;
  }
}
