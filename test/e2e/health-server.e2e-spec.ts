/**
 * The `server` option: the health endpoints on a port of their own, for a worker without an HTTP
 * adapter (an application context) and beside an app on Express or Fastify (a management port).
 */
import { connect } from 'node:net';
import { DeepHealthModule, defineCheck, HealthServerHost, InvalidOptionsError } from '../../src/index';
import { APP_HOSTS, standaloneUrl, startTestingApp, type AppHost } from '../support/health-app';

const TOKEN = 'worker-admin-token-0123456789';

async function startWorker(host: AppHost, server: object | boolean = { port: 0, host: '127.0.0.1' }) {
  const { app, url } = await startTestingApp(host, {
    imports: [
      DeepHealthModule.forRoot({
        server: server as never,
        metrics: true,
        adminToken: TOKEN,
        service: { name: 'worker', version: '7.0.0' },
        checks: [defineCheck({ name: 'queue', run: () => 'pass' })],
      }),
    ],
  });
  return { app, appUrl: url, base: `${standaloneUrl(app)}/health` };
}

describe.each(APP_HOSTS)('the health server (`server` option) of an app on %s', (host) => {
  it('serves every endpoint on its own port and closes on shutdown', async () => {
    const { app, appUrl, base } = await startWorker(host);
    // Beside an adapter, the app's own port serves them too.
    if (appUrl) expect({ own: appUrl === new URL(base).origin, live: (await fetch(`${appUrl}/health/live`)).status }).toEqual({ own: false, live: 200 });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/health\+json/);
    expect(await ready.json()).toMatchObject({ status: 'pass', version: '7.0.0', serviceId: 'worker', layer: 'ready' });
    expect((await fetch(`${base}/live`)).status).toBe(200);
    expect((await fetch(base)).status).toBe(200);
    expect((await fetch(`${base}/checks/queue`)).status).toBe(200);
    expect((await fetch(`${base}/checks/nope`)).status).toBe(404);
    // A malformed percent-encoding is the caller's mistake: 400 with a reason, as on Express and Fastify.
    const malformed = await fetch(`${base}/checks/%E0%A4%A`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toContain('percent-encoding');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('deep_health_check_status{check="queue"');
    expect((await fetch(`${base}/../elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/ready`, { method: 'HEAD' })).status).toBe(200);

    const admin = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const plain = await fetch(`${base}/maintenance`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ reason: 'reindex' }) });
    expect(plain.status).toBe(415); // fetch sends a string as text/plain
    const bad = await fetch(`${base}/maintenance`, { method: 'PUT', headers: admin, body: '{not json' });
    expect(bad.status).toBe(400);
    const huge = await fetch(`${base}/maintenance`, { method: 'PUT', headers: admin, body: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    const on = await fetch(`${base}/maintenance`, { method: 'PUT', headers: admin, body: JSON.stringify({ reason: 'reindex' }) });
    expect(on.status).toBe(200);
    const readyInMaintenance = await fetch(`${base}/ready`);
    expect(readyInMaintenance.status).toBe(503);
    expect(readyInMaintenance.headers.get('retry-after')).toBeTruthy();

    const port = Number(new URL(base).port);
    await app.close();
    // Nothing listens any more.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(false); });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('defaults to 0.0.0.0 and HEALTH_PORT', async () => {
    process.env.HEALTH_PORT = '0';
    try {
      const { app } = await startWorker(host, true);
      try {
        expect(app.get(HealthServerHost).address!.host).toBe('0.0.0.0');
      } finally {
        await app.close();
      }
    } finally {
      delete process.env.HEALTH_PORT;
    }
  });

  it('answers 404 for paths named like Object.prototype members (routes come from the one route table)', async () => {
    const { app, base } = await startWorker(host);
    try {
      const paths = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf', 'checks/queue/extra', 'maintenance/x'];
      const answers = await Promise.all(paths.map(async (path) => ({ path, status: (await fetch(`${base}/${path}`)).status })));
      expect(answers.filter((a) => a.status !== 404)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('rejects a bad server option at boot', async () => {
    const error = await startWorker(host, { port: 70000, hots: 'x' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toContain('server.port: must be between 0 and 65535, got 70000');
    expect((error as Error).message).toContain('server.hots: unknown option');
  });
});
