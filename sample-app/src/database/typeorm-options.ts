import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DocumentEntity } from '../documents/document.entity.js';
import { MIGRATIONS } from '../migrations/index.js';

/**
 * One TypeORM configuration for both processes; only the web tier runs the migrations.
 * `manualInitialization`: bootstrap does not wait for the database (TypeORM would retry inside it,
 * then exit); `DataSourceStarter` connects in the background and runs the migrations.
 */
export function typeOrmOptions(databaseUrl: string, { runMigrations }: { runMigrations: boolean }): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [DocumentEntity],
    migrations: MIGRATIONS,
    migrationsRun: runMigrations,
    poolSize: 5,
    manualInitialization: true,
    // A host that drops packets must not hang a connection attempt (or a pool checkout) forever.
    connectTimeoutMS: 3000,
  };
}
