import { defineCheck, type CheckOutcome } from '../../src/index';
import { ADAPTERS, startHealthApp, type RunningApp } from '../support/health-app';

const TOKEN = 'test-admin-token-0123456789';

function switchable(name: string, critical: boolean) {
  let outcome: CheckOutcome = { status: 'pass', observedValue: 3, observedUnit: 'ms' };
  const check = defineCheck({ name, critical, cacheTtlMs: 0, run: () => outcome });
  return { check, set: (next: CheckOutcome) => (outcome = next) };
}

describe.each(ADAPTERS)('endpoints on %s', (adapter) => {
  let running: RunningApp;
  const db = switchable('postgres', true);
  const llm = switchable('openai', false);
  const migrations = defineCheck({ name: 'postgres:migrations', startup: true, run: () => 'pass' });

  beforeAll(async () => {
    running = await startHealthApp(adapter, {
      checks: [db.check, llm.check, migrations],
      adminToken: TOKEN,
      service: { name: 'orders-api', version: '1.4.2', releaseId: '9f1c2ab' },
    });
  });
  afterAll(() => running.close());
  beforeEach(() => {
    db.set({ status: 'pass', observedValue: 3, observedUnit: 'ms' });
    llm.set({ status: 'pass' });
  });

  it.each(['/health', '/health/live'])('%s answers liveness with process checks only', async (path) => {
    const res = await running.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/health\+json/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.json).toMatchObject({ status: 'pass', version: '1.4.2', releaseId: '9f1c2ab', serviceId: 'orders-api', layer: 'live' });
    expect(Object.keys(res.json.checks).sort()).toEqual(['process:event-loop', 'process:heap']);
  });

  it('liveness stays 200 while a dependency fails', async () => {
    db.set({ status: 'fail', output: 'connection refused' });
    expect((await running.get('/health/live')).status).toBe(200);
    expect((await running.get('/health/ready')).status).toBe(503);
  });

  it('readiness runs critical checks only and reports version fields', async () => {
    const res = await running.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.json.layer).toBe('ready');
    expect(Object.keys(res.json.checks).sort()).toEqual(['postgres', 'postgres:migrations']);
    expect(res.json.checks.postgres[0]).toMatchObject({ status: 'pass', componentType: 'component', observedValue: 3, observedUnit: 'ms' });
    expect(new Date(res.json.checks.postgres[0].time).getTime()).toBeGreaterThan(Date.now() - 10_000);
  });

  it('deep runs every check; a failing non-critical check makes it warn with 200', async () => {
    llm.set({ status: 'fail', output: 'API key rejected' });
    const res = await running.get('/health/deep');
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('warn');
    expect(res.json.output).toBe('openai failed');
    expect(Object.keys(res.json.checks)).toEqual(expect.arrayContaining(['postgres', 'openai', 'process:heap']));
    expect((await running.get('/health/ready')).status).toBe(200);
  });

  it('one check answers with its own status: 503 for a failing non-critical check', async () => {
    llm.set({ status: 'fail', output: 'API key rejected' });
    const res = await running.get('/health/checks/openai');
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ status: 'fail', layer: 'check', checks: { openai: [{ status: 'fail', critical: false }] } });
    llm.set({ status: 'warn', output: 'slow' });
    const warned = await running.get('/health/checks/openai');
    expect(warned.status).toBe(200);
    expect(warned.json.status).toBe('warn');
  });

  it('deep is 503 when a critical check fails', async () => {
    db.set({ status: 'fail', output: 'password authentication failed' });
    const res = await running.get('/health/deep');
    expect(res.status).toBe(503);
    expect(res.json.status).toBe('fail');
  });

  it('hides failure outputs and details without the token, shows them with it', async () => {
    db.set({ status: 'fail', output: 'relation "users" does not exist', details: { table: 'users' }, measurements: { waiting: 2 } });
    const anonymous = await running.get('/health/checks/postgres');
    expect(anonymous.status).toBe(503);
    expect(anonymous.json.checks.postgres[0].output).toBeUndefined();
    expect(anonymous.json.checks.postgres[0].details).toBeUndefined();
    expect(anonymous.json.checks.postgres[0].measurements).toEqual({ waiting: 2 });
    expect(anonymous.text).not.toContain('users');

    const wrong = await running.get('/health/checks/postgres', { authorization: 'Bearer nope' });
    expect(wrong.json.checks.postgres[0].output).toBeUndefined();

    const admin = await running.get('/health/checks/postgres', { authorization: `Bearer ${TOKEN}` });
    expect(admin.json.checks.postgres[0]).toMatchObject({ output: 'relation "users" does not exist', details: { table: 'users' } });
  });

  it('answers one check by name and 404 with a reason for an unknown name', async () => {
    const res = await running.get('/health/checks/postgres:migrations');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.checks)).toEqual(['postgres:migrations']);
    const unknown = await running.get('/health/checks/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain('no check named "nope"');
    expect(unknown.json.version).toBe('1.4.2');
  });

  it('startup passes once boot and the startup checks are done, then latches', async () => {
    const res = await running.get('/health/startup');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.checks)).toEqual(['postgres:migrations']);
    db.set({ status: 'fail' });
    const again = await running.get('/health/startup');
    expect(again.status).toBe(200);
    expect(again.json.checks).toEqual({});
  });

  it('answers HEAD like GET', async () => {
    const res = await running.request('HEAD', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});

describe.each(ADAPTERS)('terminus format and options on %s', (adapter) => {
  it('renders the terminus shape with version fields under a custom path', async () => {
    const running = await startHealthApp(adapter, {
      path: '/ops/health/',
      format: 'terminus',
      details: 'always',
      service: { version: '2.0.0' },
      checks: [
        defineCheck({ name: 'db', run: () => ({ status: 'fail', output: 'down hard' }) }),
        defineCheck({ name: 'cache', critical: false, run: () => 'warn' }),
      ],
    });
    try {
      const res = await running.get('/ops/health/deep');
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json).toMatchObject({
        status: 'error',
        version: '2.0.0',
        error: { db: { status: 'down', message: 'down hard' } },
        info: { cache: { status: 'degraded' } },
      });
      expect(res.json.details.db.status).toBe('down');
      expect((await running.get('/health/live')).status).toBe(404);
    } finally {
      await running.close();
    }
  });

  it('details "never" hides outputs even with a valid token', async () => {
    const running = await startHealthApp(adapter, {
      details: 'never',
      adminToken: TOKEN,
      checks: [defineCheck({ name: 'db', run: () => ({ status: 'fail', output: 'secret-ish text' }) })],
    });
    try {
      const res = await running.get('/health/deep', { authorization: `Bearer ${TOKEN}` });
      expect(res.text).not.toContain('secret-ish');
    } finally {
      await running.close();
    }
  });
});
