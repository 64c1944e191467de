/**
 * The maintenance routes against an operator's typos and a token guesser, on Express, Fastify and
 * the standalone server: unknown or malformed query parameters are a 400 that changes nothing,
 * wrong tokens hit a per-client failure budget (429 + Retry-After) that never blocks other clients
 * or the probes, only `application/json; charset=utf-8` bodies are read, and every answer (broken
 * JSON, oversized bodies, other content types, trailing slashes) is the module's own JSON with the
 * version fields and `no-store`.
 */
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { DeepHealthModule, defineCheck } from '../../src/index';
import { rawRequest, type RawResponse } from '../bad-input/raw-http';
import { ADAPTERS, parseJson, startHealthTransport, TRANSPORTS, type RunningApp, type TransportName } from '../support/health-app';

const TOKEN = 'admin-surface-token-5f2c9a71';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
const VERSION = '7.7.7';

/** One request from a chosen loopback source address (127.0.0.2 is "another client"). */
function requestFrom(
  localAddress: string,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, localAddress, headers: { ...headers, connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What every answer of the module carries; returns the problems found (empty when all is well). */
function notTheModules(what: string, res: { status?: number; headers: Record<string, unknown> | Headers; json?: any }, status: number): string[] {
  const header = (name: string) => (res.headers instanceof Headers ? res.headers.get(name) : (res.headers[name] as string | undefined)) ?? '';
  const bad: string[] = [];
  if (res.status !== status) bad.push(`${what}: status ${res.status}, expected ${status}`);
  if (!/^application\/json/.test(header('content-type'))) bad.push(`${what}: content-type ${header('content-type')}`);
  if (!/no-store/.test(header('cache-control'))) bad.push(`${what}: cache-control ${header('cache-control')}`);
  if (res.json?.version !== VERSION) bad.push(`${what}: no version field (${JSON.stringify(res.json)?.slice(0, 200)})`);
  if (typeof res.json?.message !== 'string' || res.json.message === '') bad.push(`${what}: no message`);
  return bad;
}

describe.each(TRANSPORTS)('the maintenance routes on %s', (transport: TransportName) => {
  let app: RunningApp;
  let port: number;

  const maintenance = async () => (await app.get('/health/maintenance')).json.maintenance;

  beforeAll(async () => {
    app = await startHealthTransport(transport, {
      adminToken: TOKEN,
      service: { name: 'admin-surface', version: VERSION },
      checks: [defineCheck({ name: 'db', run: () => 'pass' })],
      authFailureBudget: { maxFailures: 3, windowSeconds: 60 },
    });
    port = Number(new URL(app.url).port);
  });
  afterAll(() => app?.close());

  describe('an operator typo', () => {
    beforeEach(async () => {
      const on = await app.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'planned upgrade' }) });
      expect(on.status).toBe(200);
    });
    afterEach(() => app.request('DELETE', '/health/maintenance', { headers: AUTH }));

    it('is a 400 listing the problem and changes nothing, for every unknown or malformed DELETE parameter', async () => {
      const before = await maintenance();
      const typos = ['?Scope=instance', '?scope[]=fleet', '?__proto__[scope]=x', '?scope=instance&scope=fleet', '?scope=instance&force=1', '?scope', '?scope=', '?constructor=1', '?scope=%E0%A4%A'];
      const bad: string[] = [];
      for (const query of typos) {
        const res = await app.request('DELETE', `/health/maintenance${query}`, { headers: AUTH });
        bad.push(...notTheModules(`DELETE ${query}`, res, 400));
        if (!Array.isArray(res.json?.problems) || res.json.problems.length === 0) bad.push(`DELETE ${query}: no problems listed`);
        if (JSON.stringify(await maintenance()) !== JSON.stringify(before)) bad.push(`DELETE ${query}: changed maintenance`);
      }
      expect(bad).toEqual([]);
      expect(before).toMatchObject({ enabled: true, reason: 'planned upgrade' });
    });

    it('is a 400 for any query parameter on PUT, and changes nothing', async () => {
      const before = await maintenance();
      const res = await app.request('PUT', '/health/maintenance?scope=fleet', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'other' }) });
      expect(notTheModules('PUT ?scope=fleet', res, 400)).toEqual([]);
      expect(res.json.problems).toEqual([expect.stringMatching(/^query\.scope: /)]);
      expect(await maintenance()).toEqual(before);
    });

    it('still takes a well-formed scope, and a scope-less DELETE leaves maintenance entirely', async () => {
      const instance = await app.request('DELETE', '/health/maintenance?scope=instance', { headers: AUTH });
      expect(instance.status).toBe(200);
      expect(instance.json.maintenance).toEqual({ enabled: false });
      await app.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'again' }) });
      const all = await app.request('DELETE', '/health/maintenance', { headers: AUTH });
      expect(all.json.maintenance).toEqual({ enabled: false });
    });
  });

  describe('content types and bodies', () => {
    afterEach(() => app.request('DELETE', '/health/maintenance', { headers: AUTH }));

    it('answers 415 for anything but application/json in UTF-8, and changes nothing', async () => {
      const cases: Array<[string, string | undefined, string]> = [
        ['form-encoded', 'application/x-www-form-urlencoded', 'reason=sneaky'],
        ['utf-16', 'application/json; charset=utf-16', JSON.stringify({ reason: 'x' })],
        ['latin1', 'application/json; charset=iso-8859-1', JSON.stringify({ reason: 'x' })],
        ['text', 'text/plain', JSON.stringify({ reason: 'x' })],
        ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--x--'],
        ['no type', undefined, JSON.stringify({ reason: 'x' })],
        ['json lookalike', 'application/jsonp', JSON.stringify({ reason: 'x' })],
      ];
      const bad: string[] = [];
      for (const [what, type, body] of cases) {
        const headers: Array<[string, string]> = [['Authorization', AUTH.authorization]];
        if (type) headers.push(['Content-Type', type]);
        const res = await rawRequest(port, { method: 'PUT', target: '/health/maintenance', headers, body });
        bad.push(...notTheModules(what, res, 415));
        if ((await maintenance()).enabled) bad.push(`${what}: entered maintenance`);
      }
      expect(bad).toEqual([]);
    });

    it('takes application/json with charset=utf-8 (any case)', async () => {
      const res = await app.request('PUT', '/health/maintenance', { headers: { ...AUTH, 'content-type': 'Application/JSON; Charset="UTF-8"' }, body: JSON.stringify({ reason: 'ok' }) });
      expect(res.status).toBe(200);
      expect(res.json.maintenance).toMatchObject({ enabled: true, reason: 'ok' });
    });

    it('answers broken JSON with a 400 that lists the problem, in the module JSON', async () => {
      const res = await app.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: '{"reason": "half' });
      expect(notTheModules('broken JSON', res, 400)).toEqual([]);
      expect(res.json.problems).toEqual([expect.stringMatching(/^body: /)]);
      expect((await maintenance()).enabled).toBe(false);
    });

    it('answers every oversized body with a 413 in the module JSON, and never resets the connection', async () => {
      const bad: string[] = [];
      const sizes = [20 * 1024, 10 * 1024 * 1024, 10 * 1024 * 1024, 10 * 1024 * 1024];
      for (const size of sizes) {
        const body = JSON.stringify({ reason: 'x'.repeat(size) });
        const res: RawResponse = await rawRequest(port, { method: 'PUT', target: '/health/maintenance', headers: [['Authorization', AUTH.authorization], ['Content-Type', 'application/json']], body });
        if (res.status === undefined) bad.push(`${size} bytes: no answer (${res.error})`);
        else bad.push(...notTheModules(`${size} bytes`, res, 413));
      }
      expect(bad).toEqual([]);
      expect((await maintenance()).enabled).toBe(false);
    });

    it('serves the same routes with a trailing slash', async () => {
      const bad: string[] = [];
      for (const path of ['/health/', '/health/live/', '/health/ready/', '/health/deep/', '/health/checks/db/', '/health/maintenance/']) {
        const res = await app.get(path);
        if (res.status !== 200) bad.push(`GET ${path}: ${res.status} ${res.text.slice(0, 120)}`);
      }
      const put = await app.request('PUT', '/health/maintenance/', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'slash' }) });
      if (put.status !== 200) bad.push(`PUT /health/maintenance/: ${put.status}`);
      expect(bad).toEqual([]);
    });
  });

  describe('a token guesser', () => {
    it('gets 429 with Retry-After after the budget, while other clients and the probes are served', async () => {
      const guesser = '127.0.0.1';
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await requestFrom(guesser, port, 'DELETE', '/health/maintenance', { authorization: `Bearer guess-${i}` })).status);
      expect(statuses).toEqual([401, 401, 401]);

      const blocked = await requestFrom(guesser, port, 'DELETE', '/health/maintenance', { authorization: 'Bearer guess-4' });
      expect(notTheModules('blocked guess', blocked, 429)).toEqual([]);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      // The right token from the blocked client is refused too (else the 429 would be an oracle)...
      expect((await requestFrom(guesser, port, 'PUT', '/health/maintenance', JSON_AUTH, JSON.stringify({ reason: 'x' }))).status).toBe(429);
      // ...but another client with the right token is served,
      const other = await requestFrom('127.0.0.2', port, 'PUT', '/health/maintenance', JSON_AUTH, JSON.stringify({ reason: 'from another client' }));
      expect(other.status).toBe(200);
      expect((await requestFrom('127.0.0.2', port, 'DELETE', '/health/maintenance', AUTH)).status).toBe(200);
      // and the probes of the blocked client still get their answers.
      for (const path of ['/health/live', '/health/ready', '/health/deep', '/health/maintenance']) {
        expect({ path, status: (await requestFrom(guesser, port, 'GET', path)).status }).toEqual({ path, status: 200 });
      }
      const deep = await requestFrom(guesser, port, 'GET', '/health/deep', { authorization: 'Bearer yet-another-guess' });
      expect(deep.status).toBe(200);
    });
  });
});

describe.each(TRANSPORTS)('the failure budget defaults on %s', (transport: TransportName) => {
  it('is on by default (10 failures), and can be turned off', async () => {
    const on = await startHealthTransport(transport, { adminToken: TOKEN, service: { name: 'budget', version: VERSION }, checks: [] });
    const off = await startHealthTransport(transport, { adminToken: TOKEN, service: { name: 'budget', version: VERSION }, checks: [], authFailureBudget: false });
    try {
      const statuses = async (app: RunningApp) => {
        const seen: number[] = [];
        for (let i = 0; i < 12; i++) seen.push((await app.request('DELETE', '/health/maintenance', { headers: { authorization: `Bearer wrong-${i}` } })).status);
        return seen;
      };
      expect(await statuses(on)).toEqual([...Array(10).fill(401), 429, 429]);
      expect(await statuses(off)).toEqual(Array(12).fill(401));
    } finally {
      await on.close();
      await off.close();
    }
  });
});

// The other tests build their apps with Test.createTestingModule, which makes the providers before
// the app has its adapter; an app of NestFactory.create has it first. The bodies are the module's either way.
describe.each(ADAPTERS)('the maintenance bodies of an app built by NestFactory.create on %s', (adapter) => {
  it('answers broken JSON with the module JSON and serves a trailing slash', async () => {
    const app = await NestFactory.create(
      DeepHealthModule.forRoot({ adminToken: TOKEN, service: { name: 'factory', version: VERSION } }),
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false, abortOnError: false },
    );
    try {
      await app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      const res = await fetch(`${url}/health/maintenance`, { method: 'PUT', headers: JSON_AUTH, body: '{"reason": "half' });
      expect(notTheModules('broken JSON', { status: res.status, headers: res.headers, json: parseJson(await res.text()) }, 400)).toEqual([]);
      expect((await fetch(`${url}/health/ready/`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
