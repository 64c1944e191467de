import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect } from 'node:net';
import { DeepHealthModule, defineCheck, HealthServerHost, InvalidOptionsError } from '../../src/index';

const TOKEN = 'worker-admin-token-0123456789';

async function startWorker(server: object | boolean = { port: 0, host: '127.0.0.1' }) {
  @Module({
    imports: [
      DeepHealthModule.forRoot({
        server: server as never,
        metrics: true,
        adminToken: TOKEN,
        service: { name: 'worker', version: '7.0.0' },
        checks: [defineCheck({ name: 'queue', run: () => 'pass' })],
      }),
    ],
  })
  class WorkerModule {}
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false });
  await app.init();
  const { port } = app.get(HealthServerHost).address!;
  return { app, base: `http://127.0.0.1:${port}/health` };
}

describe('health server for apps without an HTTP adapter', () => {
  it('serves every endpoint from an application context and closes on shutdown', async () => {
    const { app, base } = await startWorker();
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
      const { app } = await startWorker(true);
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
    const { app, base } = await startWorker();
    try {
      const paths = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf', 'checks/queue/extra', 'maintenance/x'];
      const answers = await Promise.all(paths.map(async (path) => ({ path, status: (await fetch(`${base}/${path}`)).status })));
      expect(answers.filter((a) => a.status !== 404)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('rejects a bad server option at boot', async () => {
    await expect(startWorker({ port: 70000, hots: 'x' })).rejects.toThrow(InvalidOptionsError);
    await expect(startWorker({ port: 70000, hots: 'x' })).rejects.toThrow('server.port: must be between 0 and 65535, got 70000');
    await expect(startWorker({ port: 70000, hots: 'x' })).rejects.toThrow('server.hots: unknown option');
  });
});
