/**
 * From SIGTERM to exit, on every transport (Express, Fastify, the standalone `server` of a worker
 * without HTTP adapter): a provider's `onApplicationShutdown` takes 3 s (a queue worker finishing
 * its jobs), and probes arrive every 50 ms, one TCP connection each, like a kubelet's.
 *
 * - every liveness answer is 200;
 * - every readiness answer is the module's own 503: `draining`, `Retry-After`, version fields
 *   (never Fastify's or Express's bare 503 while they close);
 * - a refused or reset connection only once the slow hook has finished (the server stops last);
 * - no dependency check runs once the app's resources start closing.
 */
import { assertBuilt, Replica, type Answer } from './replica';

const SLOW_SHUTDOWN_MS = 3000;
const DRAIN_MS = 300;
const PROBE_EVERY_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe extends Answer {
  path: string;
}

describe.each([
  ['express', { ADAPTER: 'express' }],
  ['fastify', { ADAPTER: 'fastify' }],
  ['standalone server', { TRANSPORT: 'standalone' }],
])('shutdown window on %s', (transport, env) => {
  let replica: Replica;

  beforeAll(() => assertBuilt());
  afterEach(() => replica?.stop());

  it('answers liveness 200 and readiness 503 draining to every probe from SIGTERM to exit', async () => {
    replica = await Replica.start({ ...env, DRAIN_DELAY_MS: String(DRAIN_MS), SLOW_SHUTDOWN_MS: String(SLOW_SHUTDOWN_MS) });
    const before = await replica.get('/health/ready');
    expect({ status: before.status, body: before.json }).toMatchObject({ status: 200 });

    const probes: Probe[] = [];
    let exited = false;
    const exit = replica.exited().then((e) => {
      exited = true;
      return e;
    });
    const sigtermAt = replica.signal('SIGTERM');
    const sent: Promise<void>[] = [];
    while (!exited) {
      for (const path of ['/health/live', '/health/ready']) {
        sent.push(replica.get(path).then((answer) => void probes.push({ path, ...answer })));
      }
      await sleep(PROBE_EVERY_MS);
    }
    const { at: exitAt } = await exit;
    await Promise.all(sent);

    const at = (name: string) => replica.events.find((e) => e.event === name)?.at;
    const stoppingAt = at('worker-stopping');
    const stoppedAt = at('worker-stopped');
    const dbClosedAt = at('db-closed');
    expect({ stoppingAt, stoppedAt, dbClosedAt }).toEqual({ stoppingAt: expect.any(Number), stoppedAt: expect.any(Number), dbClosedAt: expect.any(Number) });

    const answered = probes.filter((p) => p.status !== undefined);
    const describe = (p: Probe) => `${p.path} sent +${p.sentAt - sigtermAt} ms: ${p.status ?? p.error} ${p.status ? JSON.stringify(p.json ?? null) : ''}`;
    const tally = (list: Probe[]) => {
      const counts: Record<string, number> = {};
      for (const p of list) counts[`${p.path} ${p.status ?? p.error}`] = (counts[`${p.path} ${p.status ?? p.error}`] ?? 0) + 1;
      return counts;
    };
    const inSlowHook = probes.filter((p) => p.sentAt >= stoppingAt! && p.sentAt < stoppedAt!);
    console.log(
      `shutdown window (${transport}): SIGTERM at 0; resources closing at +${dbClosedAt! - sigtermAt} ms; slow hook +${stoppingAt! - sigtermAt}..+${stoppedAt! - sigtermAt} ms; ` +
        `exit at +${exitAt - sigtermAt} ms; ${probes.length} probes: ${JSON.stringify(tally(probes))}; during the slow hook: ${JSON.stringify(tally(inSlowHook))}`,
    );

    const badLiveness = answered.filter((p) => p.path === '/health/live' && (p.status !== 200 || p.json?.version !== '1.0.0')).map(describe);
    expect(badLiveness).toEqual([]);
    const badReadiness = answered
      .filter((p) => p.path === '/health/ready')
      .filter((p) => p.status !== 503 || p.json?.draining !== true || p.json?.version !== '1.0.0' || !Number(p.headers?.['retry-after']))
      .map(describe);
    expect(badReadiness).toEqual([]);
    // No answer at all only once the slow hook is over: the server is the last thing to close. (A probe
    // sent within one probe interval before the hook's end may still be in transit when it closes.)
    const unansweredEarly = probes.filter((p) => p.status === undefined && p.sentAt < stoppedAt! - PROBE_EVERY_MS).map(describe);
    expect(unansweredEarly).toEqual([]);
    // Both layers answered through the whole slow hook, up to its last probes.
    const lastAnsweredInHook = (path: string) => Math.max(...inSlowHook.filter((p) => p.path === path && p.status !== undefined).map((p) => p.sentAt));
    expect(lastAnsweredInHook('/health/live')).toBeGreaterThan(stoppedAt! - 4 * PROBE_EVERY_MS);
    expect(lastAnsweredInHook('/health/ready')).toBeGreaterThan(stoppedAt! - 4 * PROBE_EVERY_MS);

    // Checks stop running once the app's resources start closing; the last results keep answering.
    // Without an HTTP adapter Nest runs the app's onModuleDestroy hooks before the module's drain
    // ends (nothing to hold them in), so there the module stops its checks at the shutdown hooks.
    const closingAt = transport === 'standalone server' ? stoppingAt! : dbClosedAt!;
    const lateRuns = replica.events.filter((e) => e.event === 'check-run' && e.at > closingAt).map((e) => `+${e.at - sigtermAt} ms`);
    expect(lateRuns).toEqual([]);

    expect(exitAt - sigtermAt).toBeGreaterThanOrEqual(DRAIN_MS + SLOW_SHUTDOWN_MS);
  });
});
