import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSourceStarter } from 'nestjs-deep-health/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Connects the DataSource in the background (TypeORM options have `manualInitialization: true`) and
 * runs the migrations when `migrationsRun` is set: the app listens and answers /health/live while
 * Postgres is down or a migration fails; the Postgres checks report why, and it heals by itself.
 */
export function dataSourceStarter(): Provider {
  return {
    provide: DataSourceStarter,
    inject: [getDataSourceToken()],
    useFactory: (dataSource: DataSource) => new DataSourceStarter(dataSource, { retry: { initialDelayMs: 500, maxDelayMs: 5000 } }),
  };
}
