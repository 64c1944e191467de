import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DocumentEntity } from '../documents/document.entity.js';
import { MIGRATIONS } from '../migrations/index.js';

/** One TypeORM configuration for both processes; only the web tier runs the migrations. */
export function typeOrmOptions(databaseUrl: string, { runMigrations }: { runMigrations: boolean }): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [DocumentEntity],
    migrations: MIGRATIONS,
    migrationsRun: runMigrations,
    poolSize: 5,
  };
}
