/**
 * A Postgres connection reset (RST: a failover, a proxy or NAT dropping the flow) while a check
 * holds a pooled connection must fail that check, not kill the app.
 *
 * pg emits 'error' on a Client whose socket breaks; pg-pool listens for it only while the client
 * is idle, and removes its listener while the client is checked out (the borrower must listen,
 * as TypeORM's query runner does). The control case below shows the app surviving the same fault
 * during an ordinary TypeORM query.
 */
import { startFaultRig, type FaultApp, type FaultRig } from './fault-app-process';

let rig: FaultRig;
beforeAll(async () => {
  rig = await startFaultRig();
});
afterAll(() => rig?.close());
afterEach(() => rig.pgProxy.pass());

/** Sends `path`, and cuts every Postgres connection while the request is waiting on Postgres. */
async function resetDuring(app: FaultApp, path: string) {
  rig.pgProxy.delay(200); // 400 ms per round trip: the request is surely mid-query at 300 ms
  const answer = app.get(path);
  await new Promise((resolve) => setTimeout(resolve, 300));
  rig.pgProxy.reset();
  const probe = await answer;
  await new Promise((resolve) => setTimeout(resolve, 200)); // the 'error' event, if unheard, kills the process now
  rig.pgProxy.pass();
  return probe;
}

describe('a connection reset while Postgres is being asked', () => {
  let app: FaultApp;
  beforeEach(async () => {
    app = await rig.start({ timeoutMs: 2000, cacheTtlMs: 0, deadlineMs: 3000 });
    await app.until('/health/ready', (p) => p.status === 200, 10_000);
  });
  afterEach(() => app.stop());

  it('control: an ordinary TypeORM query fails and the app lives on', async () => {
    await resetDuring(app, '/test/query');
    expect(app.alive).toBe(true);
    expect(app.errors).not.toContain("Unhandled 'error' event");
  });

  it.each(['postgres', 'postgres:migrations'])('check %s fails and the app lives on', async (name) => {
    const probe = await resetDuring(app, `/health/checks/${name}`);
    expect(app.errors).not.toContain("Unhandled 'error' event");
    expect(app.alive).toBe(true);
    expect(probe.status).toBe(503);
    expect(probe.json.checks[name][0].status).toBe('fail');
    // And the next run, on a healthy link, passes with the same pool.
    const next = await app.until(`/health/checks/${name}`, (p) => p.status === 200, 5000);
    expect(next.probe.json.checks[name][0].status).toBe('pass');
  });
});
