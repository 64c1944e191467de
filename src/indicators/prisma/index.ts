/**
 * `nestjs-deep-health/prisma`: Prisma Migrate's state through any SQL executor. Nothing here
 * imports typeorm, not even its types, so a Prisma app without TypeORM compiles with
 * `skipLibCheck: false`.
 */
export { prismaMigrationsCheck, PRISMA_MIGRATION_LOCK_KEY, type PrismaMigrationsCheckOptions } from './prisma-migrations.health.js';
export type { SqlQueryable } from '../typeorm/pg-session.js';
