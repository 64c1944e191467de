import { Controller, Delete, Get, Post } from '@nestjs/common';
import { AllowInMaintenance, defineCheck } from '../../src/index';
import { ADAPTERS, startHealthApp, type RunningApp } from '../support/health-app';

const TOKEN = 'test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const ADMIN = { ...AUTH, 'content-type': 'application/json' };

@Controller('admin')
class AdminController {
  @Post('login')
  @AllowInMaintenance()
  login() {
    return { ok: true };
  }

  @Post('reindex')
  reindex() {
    return { ok: true };
  }
}

@AllowInMaintenance()
@Controller('webhooks')
class WebhooksController {
  @Post()
  receive() {
    return { received: true };
  }

  @Delete()
  @AllowInMaintenance(false)
  purge() {
    return { purged: true };
  }

  @Get()
  list() {
    return [];
  }
}

function put(app: RunningApp, body: unknown, headers: Record<string, string> = ADMIN) {
  return app.request('PUT', '/health/maintenance', { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe.each(ADAPTERS)('maintenance endpoints on %s', (adapter) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startHealthApp(adapter, {
      adminToken: TOKEN,
      service: { name: 'orders-api', version: '1.4.2' },
      checks: [defineCheck({ name: 'postgres', run: () => 'pass' })],
    });
  });
  afterAll(() => app.close());
  afterEach(() => app.request('DELETE', '/health/maintenance', { headers: AUTH }));

  it('reports maintenance off by default, publicly, with version fields', async () => {
    const res = await app.get('/health/maintenance');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.json).toMatchObject({ maintenance: { enabled: false }, instance: { enabled: false }, version: '1.4.2' });
    expect(res.json.fleet).toBeUndefined();
  });

  it('refuses PUT and DELETE without a token or with a wrong one, and changes nothing', async () => {
    const body = JSON.stringify({ reason: 'db upgrade' });
    const none = await app.request('PUT', '/health/maintenance', { headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.json.message).toContain('Authorization: Bearer');
    const wrong = await put(app, { reason: 'db upgrade' }, { ...ADMIN, authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    const notBearer = await put(app, { reason: 'db upgrade' }, { ...ADMIN, authorization: `Basic ${TOKEN}` });
    expect(notBearer.status).toBe(401);
    expect((await app.request('DELETE', '/health/maintenance')).status).toBe(401);
    expect((await app.get('/health/maintenance')).json.maintenance.enabled).toBe(false);
    expect((await app.get('/health/ready')).status).toBe(200);
  });

  it('enters maintenance: readiness 503 with Retry-After and the state, liveness 200, deep shows it', async () => {
    const res = await put(app, { reason: 'db upgrade' });
    expect(res.status).toBe(200);
    expect(res.json.maintenance).toMatchObject({ enabled: true, scope: 'instance', reason: 'db upgrade', readOnly: false });
    expect(Date.parse(res.json.maintenance.since)).toBeGreaterThan(Date.now() - 10_000);

    const ready = await app.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('60');
    expect(ready.json).toMatchObject({ status: 'fail', output: 'maintenance: db upgrade', maintenance: { enabled: true, reason: 'db upgrade' } });
    expect(ready.json.checks.postgres[0].status).toBe('pass');

    expect((await app.get('/health/live')).status).toBe(200);
    const deep = await app.get('/health/deep');
    expect(deep.status).toBe(200);
    expect(deep.json.maintenance).toMatchObject({ enabled: true, reason: 'db upgrade' });

    const off = await app.request('DELETE', '/health/maintenance', { headers: AUTH });
    expect(off.status).toBe(200);
    expect(off.json.maintenance).toEqual({ enabled: false });
    expect((await app.get('/health/ready')).status).toBe(200);
  });

  it('gives Retry-After from until', async () => {
    const until = new Date(Date.now() + 90_000).toISOString();
    const res = await put(app, { reason: 'reindex', until });
    expect(res.status).toBe(200);
    expect(res.json.maintenance.until).toBe(until);
    const retryAfter = Number((await app.get('/health/ready')).headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(85);
    expect(retryAfter).toBeLessThanOrEqual(90);
  });

  it('ends maintenance by itself at until', async () => {
    const res = await put(app, { reason: 'short job', durationSeconds: 1 });
    expect(res.status).toBe(200);
    const ready = await app.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await app.get('/health/ready')).status).toBe(200);
    expect((await app.get('/health/maintenance')).json.maintenance).toEqual({ enabled: false });
  });

  it.each([
    ['an unknown field', { reason: 'x', force: true }, 'force: unknown field'],
    ['a missing reason', { durationSeconds: 60 }, 'reason: is required'],
    ['an empty reason', { reason: '   ' }, 'reason: is required'],
    ['a too long reason', { reason: 'x'.repeat(201) }, 'reason: must be at most 200 characters, got 201'],
    ['a reason with a line break', { reason: 'a\nINFO forged log line' }, 'reason: must not contain control characters'],
    ['an until in the past', { reason: 'x', until: '2020-01-01T00:00:00Z' }, 'until: must be in the future'],
    ['an until that is no date', { reason: 'x', until: 'tomorrow' }, 'until: must be an ISO 8601 date-time'],
    ['both until and durationSeconds', { reason: 'x', until: new Date(Date.now() + 60_000).toISOString(), durationSeconds: 60 }, 'until: give either until or durationSeconds, not both'],
    ['a negative duration', { reason: 'x', durationSeconds: -5 }, 'durationSeconds: must be between 1 and'],
    ['an unknown scope', { reason: 'x', scope: 'galaxy' }, 'scope: must be one of "instance", "fleet"'],
    ['fleet scope without a store', { reason: 'x', scope: 'fleet' }, 'scope "fleet" needs a maintenance store'],
    ['a non-boolean readOnly', { reason: 'x', readOnly: 'yes' }, 'readOnly: must be true or false'],
    ['an array', ['reason'], 'body: must be a JSON object'],
  ])('answers 400 with a reason for %s', async (_what, body, expected) => {
    const res = await put(app, body);
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(expected);
    expect(res.json.problems.join('\n')).toContain(expected);
    expect((await app.get('/health/maintenance')).json.maintenance.enabled).toBe(false);
  });

  it('lists every problem of a bad body at once', async () => {
    const res = await put(app, { reason: '', until: 'soon', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.json.problems).toHaveLength(3);
  });

  it('answers 400 for invalid JSON and 413 for a huge body, and keeps serving', async () => {
    const invalid = await put(app, '{"reason": "db upgrade",');
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/JSON/);
    const huge = await put(app, JSON.stringify({ reason: 'x', padding: 'y'.repeat(2_000_000) }));
    expect(huge.status).toBe(413);
    expect(huge.json.message).toMatch(/too large/i);
    expect((await app.get('/health/live')).status).toBe(200);
    expect((await app.get('/health/maintenance')).json.maintenance.enabled).toBe(false);
  });

  it('answers 400 for an unknown DELETE scope and for fleet scope without a store', async () => {
    const bogus = await app.request('DELETE', '/health/maintenance?scope=galaxy', { headers: AUTH });
    expect(bogus.status).toBe(400);
    expect(bogus.json.message).toContain('scope: must be one of');
    const fleet = await app.request('DELETE', '/health/maintenance?scope=fleet', { headers: AUTH });
    expect(fleet.status).toBe(400);
    expect(fleet.json.message).toContain('needs a maintenance store');
  });
});

describe.each(ADAPTERS)('maintenance without adminToken on %s', (adapter) => {
  it('hides PUT and DELETE (404 with a reason) but reports the state', async () => {
    const app = await startHealthApp(adapter, {});
    try {
      const res = await put(app, { reason: 'x' });
      expect(res.status).toBe(404);
      expect(res.json.message).toContain('configure adminToken');
      expect((await app.request('DELETE', '/health/maintenance', { headers: AUTH })).status).toBe(404);
      expect((await app.get('/health/maintenance')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('read-only maintenance on %s', (adapter) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startHealthApp(
      adapter,
      { adminToken: TOKEN, maintenance: { readOnly: true, retryAfterSeconds: 120 } },
      { controllers: [AdminController, WebhooksController] },
    );
  });
  afterAll(() => app.close());
  afterEach(() => app.request('DELETE', '/health/maintenance', { headers: AUTH }));

  it('lets everything through while maintenance is off', async () => {
    expect((await app.request('POST', '/orders')).status).toBe(201);
    expect((await app.request('POST', '/admin/reindex')).status).toBe(201);
    expect((await app.request('DELETE', '/webhooks')).status).toBe(200);
  });

  it('answers 503 with Retry-After and a JSON reason to unsafe methods of the app routes', async () => {
    expect((await put(app, { reason: 'migrating orders table' })).json.maintenance.readOnly).toBe(true);
    for (const [method, path] of [['POST', '/orders'], ['POST', '/admin/reindex'], ['DELETE', '/webhooks']]) {
      const res = await app.request(method!, path!);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 503 });
      expect(res.headers.get('retry-after')).toBe('120');
      expect(res.json).toMatchObject({ statusCode: 503, error: 'Service Unavailable', maintenance: { reason: 'migrating orders table', readOnly: true } });
      expect(res.json.message).toContain('read-only maintenance (migrating orders table)');
    }
  });

  it('lets reads, @AllowInMaintenance() routes and the health endpoints through', async () => {
    await put(app, { reason: 'migrating orders table', durationSeconds: 300 });
    expect((await app.get('/orders')).status).toBe(200);
    expect((await app.request('HEAD', '/orders')).status).toBe(200);
    expect((await app.request('OPTIONS', '/orders')).status).not.toBe(503);
    expect((await app.get('/webhooks')).status).toBe(200);
    expect((await app.request('POST', '/admin/login')).status).toBe(201);
    expect((await app.request('POST', '/webhooks')).status).toBe(201);
    expect((await app.get('/health/live')).status).toBe(200);
    expect((await app.get('/health/ready')).status).toBe(503);
    expect((await put(app, { reason: 'still migrating', durationSeconds: 300 })).status).toBe(200);
    expect((await app.request('DELETE', '/health/maintenance', { headers: AUTH })).status).toBe(200);
    expect((await app.request('POST', '/orders')).status).toBe(201);
  });

  it('takes Retry-After from until', async () => {
    await put(app, { reason: 'short', durationSeconds: 30 });
    const res = await app.request('POST', '/orders');
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(28);
  });

  it('lets writes through when the PUT says readOnly: false', async () => {
    const res = await put(app, { reason: 'drain only', readOnly: false });
    expect(res.json.maintenance.readOnly).toBe(false);
    expect((await app.request('POST', '/orders')).status).toBe(201);
    expect((await app.get('/health/ready')).status).toBe(503);
  });
});

describe.each(ADAPTERS)('maintenance at boot on %s', (adapter) => {
  const saved = process.env.MAINTENANCE_MODE;
  afterEach(() => {
    if (saved === undefined) delete process.env.MAINTENANCE_MODE;
    else process.env.MAINTENANCE_MODE = saved;
  });

  it('starts in maintenance from MAINTENANCE_MODE="reason text"', async () => {
    process.env.MAINTENANCE_MODE = 'restoring backup';
    const app = await startHealthApp(adapter, {});
    try {
      const ready = await app.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json.maintenance).toMatchObject({ enabled: true, scope: 'instance', reason: 'restoring backup' });
      expect((await app.get('/health/live')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('starts read-only from the maintenance option, and the option wins over the environment', async () => {
    process.env.MAINTENANCE_MODE = '1';
    const off = await startHealthApp(adapter, { maintenance: { enabled: false } });
    try {
      expect((await off.get('/health/ready')).status).toBe(200);
    } finally {
      await off.close();
    }
    const on = await startHealthApp(adapter, { maintenance: { enabled: true, reason: 'cold standby', readOnly: true } });
    try {
      expect((await on.get('/health/maintenance')).json.maintenance).toMatchObject({ enabled: true, reason: 'cold standby', readOnly: true });
      expect((await on.request('POST', '/orders')).status).toBe(503);
    } finally {
      await on.close();
    }
  });
});
