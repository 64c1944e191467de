import { Injectable, ServiceUnavailableException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSourceStarter } from 'nestjs-deep-health/typeorm';

/**
 * For routes that need the database: the DataSourceStarter brings it up in the background, so the
 * app serves before it is connected (and migrated). Until then such a route answers 503 with the
 * phase (never the connection error: it may name hosts) and `Retry-After`, instead of TypeORM's
 * "not initialized" as a 500.
 */
@Injectable()
export class DatabaseReadyGuard implements CanActivate {
  constructor(
    private readonly starter: DataSourceStarter,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const { phase, nextAttemptAt } = this.starter.state;
    if (phase === 'connected') return true;
    // Until the next attempt when one is scheduled, else soon: an attempt or a migration is running.
    const seconds = nextAttemptAt === undefined ? 1 : Math.max(1, Math.ceil((nextAttemptAt - Date.now()) / 1000));
    this.adapterHost.httpAdapter.setHeader(context.switchToHttp().getResponse(), 'Retry-After', String(seconds));
    throw new ServiceUnavailableException(`the database is not ready yet (${phase}); try again in ${seconds} s`);
  }
}
