/**
 * Over HTTP, on every transport: one check's bad value is that check's `fail`, never a 500 that
 * hides the other results (issue 11 defects 1-2), and failure tolerance shows in the response.
 */
import { defineCheck, type CheckOutcome } from '../../src/index';
import { startHealthTransport, TRANSPORTS, type RunningApp } from '../support/health-app';

const TOKEN = 'engine-runs-admin-token-0123';

describe.each(TRANSPORTS)('the engine owns every run, on %s', (transport) => {
  let app: RunningApp;
  let flakyDown = false;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    app = await startHealthTransport(transport, {
      adminToken: TOKEN,
      checks: [
        defineCheck({ name: 'counts', cacheTtlMs: 0, run: () => ({ status: 'pass', observedValue: 10n, details: { count: 10n, at: new Date(0) } }) as unknown as CheckOutcome }),
        defineCheck({
          name: 'getter',
          cacheTtlMs: 0,
          run: () => Object.defineProperty({}, 'status', { enumerable: true, get: () => { throw new Error('boom'); } }) as CheckOutcome,
        }),
        defineCheck({ name: 'flaky', critical: false, cacheTtlMs: 0, failureThreshold: 2, run: () => (flakyDown ? 'fail' : 'pass') }),
        defineCheck({ name: 'fine', run: () => 'pass' }),
      ],
    });
  });
  afterAll(() => app.close());

  it.each(['/health/ready', '/health/deep'])('%s answers 503 with every other result, not 500', async (path) => {
    const res = await app.get(path, auth);
    expect(res.status).toBe(503);
    const statuses = Object.fromEntries(Object.entries(res.json.checks as Record<string, Array<{ status: string }>>).map(([name, [r]]) => [name, r!.status]));
    expect(statuses).toMatchObject({ counts: 'pass', getter: 'fail', fine: 'pass' });
    expect(res.json.checks.getter[0].output).toMatch(/^(check returned a result that cannot be read|check threw): boom/);
  });

  it('renders BigInt and Date values in a check’s own endpoint', async () => {
    const res = await app.get('/health/checks/counts', auth);
    expect(res.status).toBe(200);
    expect(res.json.checks.counts[0]).toMatchObject({ status: 'pass', observedValue: 10, details: { count: 10, at: '1970-01-01T00:00:00.000Z' } });
  });

  it('a check below its failureThreshold answers warn with consecutiveFailures, then fail', async () => {
    flakyDown = true;
    try {
      const first = await app.get('/health/checks/flaky');
      expect([first.status, first.json.checks.flaky[0].status, first.json.checks.flaky[0].consecutiveFailures]).toEqual([200, 'warn', 1]);
      const second = await app.get('/health/checks/flaky');
      expect([second.status, second.json.checks.flaky[0].status, second.json.checks.flaky[0].consecutiveFailures]).toEqual([503, 'fail', 2]);
    } finally {
      flakyDown = false;
    }
  });
});
