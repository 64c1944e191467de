/** Tests use the sample app's embedded Postgres (PGlite over a TCP port); see its header for the API. */
import { startPglite, type RunningPglite } from '../../sample-app/src/database/embedded-postgres';
import { TcpFaultProxy } from './tcp-fault-proxy';

export { startPglite, type RunningPglite, type StartPgliteOptions } from '../../sample-app/src/database/embedded-postgres';

/** The sample app's database as `npm start` makes it: pgvector, room for the app's pool and a worker's. */
export async function startSamplePglite(): Promise<RunningPglite> {
  const { vector } = await import('@electric-sql/pglite-pgvector');
  return startPglite({ extensions: { vector }, maxConnections: 16 });
}

/** The sample's database behind a fault proxy the test controls ("a Postgres that is down": `proxy.reset()`). */
export async function startSamplePgliteBehindProxy(): Promise<{ pglite: RunningPglite; proxy: TcpFaultProxy; close(): Promise<void> }> {
  const pglite = await startSamplePglite();
  const proxy = await TcpFaultProxy.start({ targetPort: pglite.port });
  return {
    pglite,
    proxy,
    close: async () => {
      await proxy.close();
      await pglite.close();
    },
  };
}
