/**
 * Graceful drain of a real process: `app.enableShutdownHooks()` + `shutdown.drainDelayMs`, then
 * SIGTERM while a load balancer-like client keeps sending requests. Readiness must turn 503 at
 * once, every request sent while the balancer still routes here (and every request in flight when
 * the server closes) must succeed with the app's resources still open, liveness must stay 200
 * while the server accepts connections, and the process must exit after the drain delay.
 */
import { assertBuilt, Replica, type Answer } from './replica';

const DRAIN_MS = 1500;
/** How long the fake load balancer keeps routing after it saw readiness fail (kube-proxy lag). */
const ROUTING_LAG_MS = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe.each(['express', 'fastify'])('graceful drain on %s', (adapter) => {
  let replica: Replica;

  beforeAll(() => assertBuilt());
  afterEach(() => replica?.stop());

  it('turns readiness 503 first, serves every in-flight request, keeps liveness 200, exits after the drain', async () => {
    replica = await Replica.start({ ADAPTER: adapter, DRAIN_DELAY_MS: String(DRAIN_MS) });
    expect((await replica.get('/health/ready')).status).toBe(200);

    const traffic: Answer[] = [];
    const readiness: Answer[] = [];
    const liveness: Answer[] = [];
    let firstNotReadyAt: number | undefined;
    let stop = false;

    const probe = async (path: string, into: Answer[]) => {
      while (!stop) {
        const answer = await replica.get(path);
        into.push(answer);
        if (path === '/health/ready' && answer.status === 503) firstNotReadyAt ??= answer.doneAt;
        await sleep(25);
      }
    };
    const route = async () => {
      const pending: Promise<void>[] = [];
      // Like a load balancer: keep routing until ROUTING_LAG_MS after readiness failed.
      while (!stop && (firstNotReadyAt === undefined || Date.now() < firstNotReadyAt + ROUTING_LAG_MS)) {
        pending.push(replica.get('/orders/slow?ms=100').then((a) => void traffic.push(a)));
        pending.push(replica.request('POST', '/orders').then((a) => void traffic.push(a)));
        await sleep(20);
      }
      await Promise.all(pending);
    };

    const probes = [probe('/health/ready', readiness), probe('/health/live', liveness)];
    const routing = route();
    await sleep(300);
    const sigtermAt = replica.signal('SIGTERM');
    // A long request that is still running when the drain ends and the server closes.
    await sleep(DRAIN_MS - 300);
    const longRequest = replica.get('/orders/slow?ms=800&db=skip');

    const exit = await replica.exited();
    stop = true;
    await Promise.all([routing, ...probes]);
    const long = await longRequest;

    const served = traffic.filter((a) => a.status !== undefined);
    const failed = traffic.filter((a) => a.status === undefined || a.status >= 400);
    const refusedLiveness = liveness.filter((a) => a.status === undefined);
    const dbClosedAt = replica.events.find((e) => e.event === 'db-closed')?.at;
    const lastServedAt = Math.max(...served.map((a) => a.doneAt));
    const tallyAfter = (since: number) => {
      const counts: Record<string, number> = {};
      for (const [path, list] of [['ready', readiness], ['live', liveness]] as const) {
        for (const a of list.filter((x) => x.sentAt >= since)) counts[`${path} ${a.status ?? a.error}`] = (counts[`${path} ${a.status ?? a.error}`] ?? 0) + 1;
      }
      return counts;
    };
    const rel = (t: number | undefined) => (t === undefined ? 'never' : `${t - sigtermAt} ms`);
    console.log(
      `drain timeline (${adapter}, drainDelayMs ${DRAIN_MS}): SIGTERM at 0; readiness 503 seen at ${rel(firstNotReadyAt)}; ` +
        `last routed request sent at ${rel(Math.max(...traffic.map((a) => a.sentAt)))}; app resources closed at ${rel(dbClosedAt)}; ` +
        `long request (sent at ${rel(long.sentAt)}) answered ${long.status} at ${rel(long.doneAt)}; exit at ${rel(exit.at)} ` +
        `(${exit.signal ?? `code ${exit.code}`}); ${served.length} routed requests, ${failed.length} failed; ` +
        `probes once resources closed: ${JSON.stringify(tallyAfter(dbClosedAt!))}`,
    );

    // Readiness turned 503 at once, and never came back.
    expect(firstNotReadyAt).toBeDefined();
    expect(firstNotReadyAt! - sigtermAt).toBeLessThan(500);
    // Every readiness probe after that got the module's own 503, also while the adapter was closing
    // (never Fastify's or Express's bare 503): `draining`, `Retry-After`, the version fields. A probe
    // gets no answer only once the server stopped accepting, after the app's resources closed.
    const show = (a: Answer) => `sent +${a.sentAt - sigtermAt} ms: ${a.status ?? a.error} ${JSON.stringify(a.json ?? null)}`;
    const notDraining = readiness
      .filter((a) => a.sentAt > firstNotReadyAt! && a.status !== undefined)
      .filter((a) => a.status !== 503 || !Number(a.headers!['retry-after']) || a.json?.draining !== true || a.json?.version !== '1.0.0')
      .map(show);
    expect(notDraining).toEqual([]);
    const unansweredEarly = [...readiness, ...liveness].filter((a) => a.status === undefined && a.sentAt < dbClosedAt!).map(show);
    expect(unansweredEarly).toEqual([]);

    // Zero failed requests, and the app's own resources stayed open for the whole drain.
    expect(failed).toEqual([]);
    expect(served.length).toBeGreaterThan(20);
    expect(lastServedAt).toBeLessThan(dbClosedAt!);
    expect(dbClosedAt! - sigtermAt).toBeGreaterThanOrEqual(DRAIN_MS - 50);

    // The request in flight when the server closed completed.
    expect(long.status).toBe(200);
    expect(long.doneAt).toBeGreaterThan(dbClosedAt!);

    // Liveness: 200 whenever it was answered; refused only once the server had closed after the drain.
    expect(liveness.filter((a) => a.status !== undefined && a.status !== 200).map(show)).toEqual([]);
    expect(refusedLiveness.filter((a) => a.sentAt < sigtermAt + DRAIN_MS - 50).map(show)).toEqual([]);

    // Exit after the drain delay (and after the long request), by the re-raised SIGTERM.
    expect(exit.at - sigtermAt).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(exit.at - sigtermAt).toBeLessThan(DRAIN_MS + 800 + 3000);
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
  });

  it('a second signal ends the drain at once', async () => {
    replica = await Replica.start({ ADAPTER: adapter, DRAIN_DELAY_MS: '30000' });
    const sigtermAt = replica.signal('SIGTERM');
    await sleep(200);
    expect((await replica.get('/health/ready')).status).toBe(503);
    expect((await replica.get('/health/live')).status).toBe(200);
    replica.signal('SIGTERM');
    const exit = await replica.exited();
    expect(exit.at - sigtermAt).toBeLessThan(5000);
  });
});
