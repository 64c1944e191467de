/**
 * An embedded Postgres (PGlite, in memory) served on a loopback TCP port, so any Postgres client
 * (pg, TypeORM's `postgres` driver) can connect to it like to a real server.
 *
 * API
 * ```ts
 * import { vector } from '@electric-sql/pglite-pgvector';
 * const pg = await startPglite({ extensions: { vector }, maxConnections: 4 });
 * new DataSource({ type: 'postgres', host: '127.0.0.1', port: pg.port, username: 'postgres', database: 'postgres', poolSize: 4 });
 * pg.url;          // postgres://postgres@127.0.0.1:<port>/postgres
 * await pg.close(); // stops the server, then the database (always call it: afterAll)
 * ```
 * - `extensions`: PGlite extensions to load (they still need `CREATE EXTENSION`). @default none
 * - `maxConnections`: concurrent client connections the server accepts; keep it >= the pool size,
 *   or the extra connections get `Too many connections`. @default 4
 *
 * PGlite runs queries one at a time, so nothing here can observe two statements running at once.
 * Jest must run with `NODE_OPTIONS=--experimental-vm-modules` (PGlite uses a dynamic `import()`).
 * Starting takes about 2 s.
 */
import { PGlite, type Extensions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface StartPgliteOptions {
  extensions?: Extensions;
  maxConnections?: number;
}

export interface RunningPglite {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startPglite({ extensions, maxConnections = 4 }: StartPgliteOptions = {}): Promise<RunningPglite> {
  const db = await PGlite.create({ extensions });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').at(-1));
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}
