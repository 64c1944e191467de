import { nameList } from '../typeorm/messages.js';

/** Texts of the Prisma migrations check, in one place. */
export const PRISMA_TABLE_MISSING = (table: string) => `no Prisma migrations have run (table ${table} does not exist)`;
export const PRISMA_FAILED_MIGRATIONS = (names: readonly string[]) =>
  `failed migration${names.length === 1 ? '' : 's'} ${nameList(names)} (resolve with \`prisma migrate resolve\`)`;
export const PRISMA_RUNNING = (names: readonly string[], pid: number) =>
  `migration in progress${names.length > 0 ? `: ${nameList(names)}` : ''} (pid ${pid} holds Prisma's migration lock)`;

