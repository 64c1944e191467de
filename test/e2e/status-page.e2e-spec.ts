/**
 * /history, /ui and /fleet through every transport: the Nest controller on Express and Fastify and
 * the standalone `server` option (all built from the one route table), with the details policy,
 * the page's headers, the 4xx answers and `ui: false`.
 */
import { defineCheck } from '../../src/index';
import { STATUS_PAGE_CSP } from '../../src/status-page/page/status-page.html';
import { startHealthTransport, TRANSPORTS, type RunningApp } from '../support/health-app';

const TOKEN = 'h16-history-admin-token';
const SECRET = 'sk-h16secretvalue0123456789';
const UNKNOWN_ROUTE_MESSAGES = {
  express: 'Cannot GET /health/nothing-here',
  fastify: 'Cannot GET /health/nothing-here',
  standalone: 'no route GET /health/nothing-here',
};

function failing(name: string) {
  return defineCheck({ name, secrets: [SECRET], cacheTtlMs: 0, run: () => ({ status: 'fail', output: `refused with key ${SECRET} at 10.0.0.7`, observedValue: 2, observedUnit: 'pending' }) });
}

describe.each(TRANSPORTS)('status page endpoints (%s)', (transport) => {
  let target: RunningApp | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('serves the history per check, with outputs only for an authorized caller, never a secret', async () => {
    target = await startHealthTransport(transport, { checks: [failing('db')], adminToken: TOKEN, liveness: { eventLoopDelay: false } });
    for (let i = 0; i < 3; i++) await target.get('/health/checks/db');
    const anonymous = await target.get('/health/history');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toContain('no-store');
    expect(anonymous.json).toMatchObject({ details: false, fleet: false, version: expect.any(String), serviceId: expect.any(String) });
    const db = anonymous.json.checks.db;
    expect(db).toMatchObject({ critical: true, componentType: 'component', recorded: 3, transitions: [{ to: 'fail', time: expect.any(String) }] });
    expect(db.results).toEqual([0, 1, 2].map(() => ({ status: 'fail', time: expect.any(String), durationMs: expect.any(Number), observedValue: 2, observedUnit: 'pending' })));
    expect(anonymous.text).not.toContain('refused');

    const authorized = await target.get('/health/history?check=db', { authorization: `Bearer ${TOKEN}` });
    expect(Object.keys(authorized.json.checks)).toEqual(['db']);
    expect(authorized.json.details).toBe(true);
    expect(authorized.json.checks.db.results[0].output).toBe('refused with key *** at 10.0.0.7');
    expect(authorized.json.checks.db.transitions[0].output).toBe('refused with key *** at 10.0.0.7');
    expect(authorized.text).not.toContain(SECRET);
  });

  it('answers a bad history query with the module’s own 4xx', async () => {
    target = await startHealthTransport(transport, { checks: [failing('db')] });
    const unknown = await target.get('/health/history?check=nope');
    expect([unknown.status, unknown.json.message]).toEqual([404, expect.stringMatching(/^no history for a check named "nope"; checks with a history: /)]);
    const repeated = await target.get('/health/history?check=a&check=b');
    expect([repeated.status, repeated.json.message]).toEqual([400, 'give ?check= at most once']);
    const extra = await target.get('/health/history?chek=db');
    expect([extra.status, extra.json.message, extra.json.version]).toEqual([400, 'unknown query parameter "chek" (known: check)', expect.any(String)]);
    // Not a route of the module: on an adapter the app's own 404 answers (so an app route of that name
    // would); the standalone server is the module's alone and answers its own.
    const page = await target.get('/health/nothing-here');
    expect([page.status, page.json.message]).toEqual([404, UNKNOWN_ROUTE_MESSAGES[transport]]);
    const fleet = await target.get('/health/fleet');
    expect([fleet.status, fleet.json.message]).toEqual([404, expect.stringMatching(/^the fleet view is off: configure ui\.fleet\.store/)]);
  });

  it('serves the page at the configured path with a strict CSP and no inline handlers', async () => {
    target = await startHealthTransport(transport, { ui: { path: 'status', refreshIntervalMs: 1500 } });
    const page = await target.get('/health/status');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(STATUS_PAGE_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.text).toContain('data-interval="1500"');
    expect((await target.get('/health/ui')).status).toBe(404);
  });

  it('turns page, history and fleet off with ui: false', async () => {
    target = await startHealthTransport(transport, { ui: false });
    const answers = await Promise.all(['/health/ui', '/health/history', '/health/fleet'].map(async (path) => `${path} ${(await target!.get(path)).status}`));
    expect(answers).toEqual(['/health/ui 404', '/health/history 404', '/health/fleet 404']);
    expect((await target.get('/health/history')).json.message).toBe('the status page is off (ui: false); history and fleet views go with it');
  });
});
