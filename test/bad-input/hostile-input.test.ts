/**
 * Hostile and random input against every health endpoint, on Express and Fastify: the app never
 * crashes and never answers 5xx for a bad request; a bad request gets a 4xx with a reason (a JSON
 * body with a message); health answers stay what they were; no detail leaks to a caller without
 * the token; and the maintenance state is unchanged after every bad request.
 *
 * Generated cases come from a seeded generator: the seed is printed, and `SEED=<n>` replays a run.
 *
 * Some requests never reach the framework: Node's HTTP parser refuses a control byte in a header
 * value or raw non-ASCII in the path (400), and headers over its 16 KB limit (431). Node answers
 * those itself; on Express the answer has no body (Fastify adds a JSON one through its
 * clientError handler). The tests accept that for exactly those requests and nothing else.
 */
import { defineCheck } from '../../src/index';
import { startHealthTransport, TRANSPORTS, type RunningApp, type TransportName } from '../support/health-app';
import {
  ADMIN_TOKEN,
  HEALTH_GETS,
  hostileAuthorization,
  invalidMaintenanceBody,
  invalidScopeQuery,
  randomCheckSegment,
  randomHeader,
  randomQuery,
  UNSERVED_METHODS,
  VALID_AUTH,
} from './hostile-requests';
import { rawRequest, type RawRequest, type RawResponse } from './raw-http';
import { seededRandom, testSeed } from './seeded-random';

const SEED = testSeed(20_261_121);
/** Shown only to callers with the token: must never appear in an answer to a hostile request. */
const SECRET_OUTPUT = 'llm quota nearly exhausted (details only for admins)';

interface Baseline {
  status: number;
  bodyStatus?: string;
}

describe.each(TRANSPORTS)('hostile input on %s', (adapter: TransportName) => {
  const random = seededRandom(SEED + TRANSPORTS.indexOf(adapter));
  let app: RunningApp;
  let port: number;
  const baseline = new Map<string, Baseline>();
  /** The maintenance state every bad request must leave as it was. */
  let expectedMaintenance: unknown;
  /** How the hostile requests were answered (`PUT 400` → count), printed at the end. */
  const tally = new Map<string, number>();

  beforeAll(async () => {
    console.info(`bad-input ${adapter}: seed ${random.seed} (SEED=${SEED} to replay)`);
    app = await startHealthTransport(adapter, {
      adminToken: ADMIN_TOKEN,
      // Hundreds of wrong tokens from one client by design: the failure budget would turn them into
      // 429s (test/e2e/admin-surface.e2e-spec.ts covers the budget itself).
      authFailureBudget: false,
      service: { name: 'bad-input', version: '9.9.9' },
      checks: [
        defineCheck({ name: 'db', run: () => 'pass' }),
        defineCheck({ name: 'llm', critical: false, run: () => ({ status: 'warn', output: SECRET_OUTPUT, details: { plan: 'free' } }) }),
      ],
    });
    port = Number(new URL(app.url).port);
    for (const path of HEALTH_GETS) {
      const res = await app.get(path);
      baseline.set(path, { status: res.status, bodyStatus: res.json?.status });
    }
    expectedMaintenance = (await app.get('/health/maintenance')).json.maintenance;
  });
  afterAll(async () => {
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    console.info(`bad-input ${adapter}: ${total} hostile requests: ${[...tally].map(([k, n]) => `${k}×${n}`).join(', ')}`);
    await app?.close();
  });

  afterEach(async () => {
    // Whatever a test sent, health answers are what they were before it.
    for (const [path, expected] of baseline) {
      const res = await app.get(path);
      expect({ path, status: res.status, bodyStatus: res.json?.status }).toEqual({ path, ...expected });
    }
    // The app's own routes still answer (the standalone server has none).
    if (adapter !== 'standalone') expect((await app.get('/orders')).status).toBe(200);
  });

  /** Sends one hostile request: it must get an HTTP answer, never a 5xx. */
  async function send(request: RawRequest): Promise<RawResponse> {
    const res = await rawRequest(port, request);
    const key = `${request.method} ${res.status ?? res.error}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    if (res.status === undefined) problem(request, `no HTTP answer (${res.error})`);
    if (res.status! >= 500 && !(res.status === 503 && isReadyInMaintenance(request))) problem(request, `answered ${res.status}: ${res.body.slice(0, 300)}`);
    return res;
  }

  function isReadyInMaintenance(request: RawRequest): boolean {
    const path = String(request.target).split('?')[0]!;
    return baseline.get(path)?.status === 503;
  }

  /** A bad request: 4xx, and (unless Node's parser refused it) a JSON body whose message says why. */
  function expectRejected(request: RawRequest, res: RawResponse, allowed: number[], parserMayRefuse = false): void {
    if (!allowed.includes(res.status!)) problem(request, `answered ${res.status} (expected ${allowed.join(' or ')}): ${res.body.slice(0, 300)}`);
    if (parserMayRefuse && res.body === '' && adapter !== 'fastify') return;
    if (!/json/.test(res.headers['content-type'] ?? '') || typeof res.json?.message !== 'string' || res.json.message.length === 0) {
      problem(request, `answered ${res.status} without a JSON reason: ${res.headers['content-type']} ${res.body.slice(0, 300)}`);
    }
  }

  /** A request the endpoint serves despite junk: the same answer as without the junk, and no details. */
  function expectBaseline(path: string, request: RawRequest, res: RawResponse): void {
    const expected = baseline.get(path)!;
    if (res.status !== expected.status || res.json?.status !== expected.bodyStatus) {
      problem(request, `answered ${res.status} ${res.json?.status} instead of ${expected.status} ${expected.bodyStatus}: ${res.body.slice(0, 300)}`);
    }
    if (res.body.includes(SECRET_OUTPUT) || res.body.includes('"details"')) problem(request, 'showed details to a caller without the token');
  }

  async function expectMaintenanceUnchanged(request: RawRequest): Promise<void> {
    const state = (await app.get('/health/maintenance')).json.maintenance;
    if (JSON.stringify(state) !== JSON.stringify(expectedMaintenance)) {
      problem(request, `changed maintenance from ${JSON.stringify(expectedMaintenance)} to ${JSON.stringify(state)}`);
    }
  }

  it('serves the health endpoints as usual whatever the query string', async () => {
    for (let i = 0; i < 60; i++) {
      const path = random.pick(HEALTH_GETS);
      const request = { method: 'GET', target: path + randomQuery(random) };
      expectBaseline(path, request, await send(request));
    }
  });

  it('answers hostile check names with a 4xx and a reason', async () => {
    const fixed = ['%00', '..%2f..%2fetc%2fpasswd', '..%2F', '%2e%2e', '%', '%E0%A4%A', '%C0%AF', encodeURIComponent('✓名🙂'), 'a'.repeat(10_000), '__proto__', 'constructor', 'toString'];
    const segments = [...fixed.map((segment) => ({ segment, kind: segment.length > 100 ? 'long' : 'unknown' })), ...Array.from({ length: 40 }, () => randomCheckSegment(random))];
    for (const { segment, kind } of segments) {
      const request = { method: 'GET', target: `/health/checks/${segment}` };
      const res = await send(request);
      // 404 unknown name; 400 a malformed percent-encoding; 414 Fastify's param length limit (100).
      expectRejected(request, res, kind === 'long' ? [404, 414] : [400, 404]);
      if (res.status === 404) expect(res.json.message.length).toBeLessThan(400); // the name is cut in the message
    }
    // Raw (unencoded) UTF-8 in the path: refused by Node's parser.
    const raw = { method: 'GET', target: Buffer.from('/health/checks/✓名', 'utf8') };
    expectRejected(raw, await send(raw), [400], true);
  });

  it('ignores hostile Authorization values and other headers on every GET endpoint, and shows no details', async () => {
    for (let i = 0; i < 50; i++) {
      const path = random.pick(HEALTH_GETS);
      const request: RawRequest = { method: 'GET', target: path, headers: [['Authorization', hostileAuthorization(random)]] };
      expectBaseline(path, request, await send(request));
    }
    for (let i = 0; i < 50; i++) {
      const path = random.pick(HEALTH_GETS);
      const { header, parserRejects } = randomHeader(random);
      const request: RawRequest = { method: 'GET', target: path, headers: [header] };
      const res = await send(request);
      if (parserRejects) expectRejected(request, res, [400], true);
      else expectBaseline(path, request, res);
    }
    const huge: RawRequest = { method: 'GET', target: '/health/ready', headers: [['X-Huge', 'x'.repeat(20_000)]] };
    expectRejected(huge, await send(huge), [431], true);
    // And the genuine token still shows the details (so "no details" above is not vacuous).
    const admin = await app.get('/health/deep', { authorization: VALID_AUTH });
    expect(admin.json.checks.llm[0].output).toBe(SECRET_OUTPUT);
  });

  it('answers methods the health paths do not serve with a 4xx and a reason, and never echoes a TRACE', async () => {
    const paths = [...HEALTH_GETS, '/health/checks/%00'];
    for (const path of paths) {
      for (const method of UNSERVED_METHODS) {
        const request: RawRequest = { method, target: path, headers: [['X-Trace-Canary', 'trace-canary-7f3a']], body: method === 'POST' || method === 'PATCH' ? '{"reason":"x"}' : undefined };
        if (request.body) request.headers!.push(['Content-Type', 'application/json'], ['Authorization', VALID_AUTH]);
        const res = await send(request);
        expectRejected(request, res, [400, 404, 405]);
        expect(res.body).not.toContain('trace-canary-7f3a');
        await expectMaintenanceUnchanged(request);
      }
    }
    for (const path of HEALTH_GETS.filter((p) => p !== '/health/maintenance')) {
      for (const method of ['PUT', 'DELETE']) {
        const request: RawRequest = { method, target: path, headers: [['Authorization', VALID_AUTH], ['Content-Type', 'application/json']], body: '{"reason":"x"}' };
        expectRejected(request, await send(request), [404, 405]);
        await expectMaintenanceUnchanged(request);
      }
    }
    // A method Node's parser does not know at all.
    const unknown = { method: 'FOO', target: '/health/live' };
    expectRejected(unknown, await send(unknown), [400], true);
  });

  describe.each([
    ['off', undefined],
    ['on', { reason: 'planned database upgrade', durationSeconds: 3600 }],
  ])('with maintenance %s', (_label, enable) => {
    beforeAll(async () => {
      if (!enable) return;
      const res = await app.request('PUT', '/health/maintenance', { headers: { authorization: VALID_AUTH, 'content-type': 'application/json' }, body: JSON.stringify(enable) });
      expect(res.status).toBe(200);
      expectedMaintenance = (await app.get('/health/maintenance')).json.maintenance;
      expect(expectedMaintenance).toMatchObject({ enabled: true, reason: enable.reason });
      for (const path of HEALTH_GETS) {
        const now = await app.get(path);
        baseline.set(path, { status: now.status, bodyStatus: now.json?.status });
      }
      expect(baseline.get('/health/ready')!.status).toBe(503);
    });

    it('rejects invalid PUT /health/maintenance bodies, with and without the token, and changes nothing', async () => {
      for (let i = 0; i < 60; i++) {
        const { contentType, body, why } = invalidMaintenanceBody(random);
        const withToken = random.bool();
        const headers: Array<[string, string | Buffer]> = [];
        if (contentType) headers.push(['Content-Type', contentType]);
        if (withToken) headers.push(['Authorization', VALID_AUTH]);
        else if (random.bool()) headers.push(['Authorization', hostileAuthorization(random)]);
        const request: RawRequest = { method: 'PUT', target: '/health/maintenance', headers, body };
        const res = await send(request);
        // 400 invalid; 401 no/bad token (when the body parser did not object first); 413 too large; 415 unsupported type.
        expectRejected({ ...request, target: `/health/maintenance (${why}${withToken ? ', token' : ''})` }, res, withToken ? [400, 413, 415] : [400, 401, 413, 415]);
        if (res.status === 400 && withToken && res.json?.problems) expect(res.json.problems.length).toBeGreaterThan(0);
        await expectMaintenanceUnchanged(request);
      }
    });

    it('rejects DELETE /health/maintenance with a bad scope or a bad token, and changes nothing', async () => {
      for (let i = 0; i < 30; i++) {
        const withToken = random.bool();
        const request: RawRequest = {
          method: 'DELETE',
          target: `/health/maintenance${withToken ? invalidScopeQuery(random) : random.bool() ? randomQuery(random) : ''}`,
          headers: withToken ? [['Authorization', VALID_AUTH]] : random.bool() ? [['Authorization', hostileAuthorization(random)]] : [],
        };
        expectRejected(request, await send(request), withToken ? [400] : [401]);
        await expectMaintenanceUnchanged(request);
      }
    });

    it('keeps answering others while a client sends a truncated body', async () => {
      const request: RawRequest = {
        method: 'PUT',
        target: '/health/maintenance',
        headers: [['Authorization', VALID_AUTH], ['Content-Type', 'application/json'], ['Content-Length', '1000']],
        body: '{"reason":"half a bo',
        contentLength: false,
      };
      const stuck = rawRequest(port, request, 500); // the client gives up after 500 ms
      for (const path of ['/health/live', '/health/ready', '/health/maintenance']) {
        expect((await app.get(path)).status).toBe(baseline.get(path)!.status);
      }
      expect((await stuck).error).toBe('ETIMEDOUT');
      await expectMaintenanceUnchanged(request);
    });
  });
});

/** Fails the test naming the request (and the seed, to replay it). */
function problem(request: RawRequest, what: string): never {
  throw new Error(`${describeRequest(request)}\n  ${what}\n  (seed ${SEED}: SEED=${SEED} replays this run)`);
}

function describeRequest(request: RawRequest): string {
  const target = Buffer.isBuffer(request.target) ? request.target.toString('utf8') : request.target;
  const headers = (request.headers ?? []).map(([name, value]) => `${name}: ${Buffer.from(value).toString('latin1').slice(0, 40)}`);
  return `${request.method} ${target.slice(0, 120)}${headers.length ? ` [${headers.join('; ')}]` : ''}`;
}
