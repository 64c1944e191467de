/**
 * Health groups at /<path>/groups/<name>, kube-apiserver style `?verbose` and `?exclude=`, and the
 * optional /livez, /readyz aliases, on Express, Fastify and the standalone server. Issue 14, items 4 and 6.
 */
import { Module } from '@nestjs/common';
import { DeepHealthModule, defineCheck, InvalidOptionsError, type DeepHealthForRootOptions } from '../../src/index';
import { bootContext, startHealthTransport, TRANSPORTS, type RunningApp } from '../support/health-app';

const TOKEN = 'h14-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

const options: DeepHealthForRootOptions = {
  adminToken: TOKEN,
  kubernetesAliases: true,
  checks: [
    defineCheck({ name: 'postgres', run: () => 'pass' }),
    defineCheck({ name: 'redis', run: () => ({ status: 'fail', output: 'connect ECONNREFUSED 127.0.0.1:6390' }) }),
    // Non-critical: a warn at /deep, a fail where a group lists it.
    defineCheck({ name: 'stripe', critical: false, run: () => ({ status: 'fail', output: 'stripe answered 500' }) }),
  ],
  groups: {
    payments: { checks: ['postgres', 'stripe'], details: 'always' },
    core: { checks: ['postgres'] },
  },
};

describe.each(TRANSPORTS)('groups and kube-style queries on %s', (transport) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startHealthTransport(transport, options);
  });
  afterAll(async () => {
    await running.close();
  });

  it('serves a group with every listed check counted as critical, and its own details policy', async () => {
    const payments = await running.get('/health/groups/payments');
    expect(payments.status).toBe(503);
    expect(payments.json).toMatchObject({
      status: 'fail',
      layer: 'group',
      output: 'stripe failed',
      checks: { postgres: [{ status: 'pass', critical: true }], stripe: [{ status: 'fail', critical: true, output: 'stripe answered 500' }] },
    });
    expect(Object.keys(payments.json.checks).sort()).toEqual(['postgres', 'stripe']);
    const core = await running.get('/health/groups/core');
    expect(core.status).toBe(200);
    expect(core.json).toMatchObject({ status: 'pass', version: expect.any(String) });
    // The same non-critical failure is only a warn at /deep.
    expect((await running.get('/health/deep')).json.checks.stripe[0].critical).toBe(false);
    const unknown = await running.get('/health/groups/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain('known groups: payments, core');
  });

  it('answers ?verbose in the kube-apiserver text form, reasons withheld without details', async () => {
    const ready = await running.get('/health/ready?verbose');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(ready.headers.get('cache-control')).toContain('no-store');
    expect(ready.headers.get('x-health-version')).toBeTruthy();
    expect(ready.text).toBe('[+]postgres ok\n[-]redis failed: reason withheld\nreadyz check failed\n');
    const withDetails = await running.get('/health/ready?verbose=true', auth);
    expect(withDetails.text).toBe('[+]postgres ok\n[-]redis failed: connect ECONNREFUSED 127.0.0.1:6390\nreadyz check failed\n');
    const live = await running.get('/health/live?verbose');
    expect(live.status).toBe(200);
    // On a loaded machine the event loop may warn; a warn still passes the probe (`[+]`).
    expect(live.text).toMatch(/^\[\+\]process:event-loop (ok|warn: reason withheld)\n\[\+\]process:heap (ok|warn: reason withheld)\nlivez check passed\n$/);
    const group = await running.get('/health/groups/core?verbose');
    expect(group.text).toBe('[+]postgres ok\ngroups/core check passed\n');
    // `verbose=false` is the JSON answer.
    expect((await running.get('/health/ready?verbose=false')).headers.get('content-type')).toMatch(/health\+json/);
  });

  it('leaves ?exclude=<name> (repeatable) out of that answer; an unknown name is a 400 with the known ones', async () => {
    const ready = await running.get('/health/ready?exclude=redis');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.json.checks)).toEqual(['postgres']);
    const both = await running.get('/health/deep?exclude=redis&exclude=stripe&verbose');
    expect(both.status).toBe(200);
    expect(both.text).not.toMatch(/redis|stripe/);
    expect(both.text.endsWith('deep check passed\n')).toBe(true);
    const group = await running.get('/health/groups/payments?exclude=stripe');
    expect(group.status).toBe(200);
    const bad = await running.get('/health/ready?exclude=nope');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ statusCode: 400, problems: [expect.stringContaining('no check named "nope" (known: process:event-loop, process:heap, postgres, redis, stripe)')], version: expect.any(String) });
    const flood = await running.get(`/health/ready?${Array.from({ length: 500 }, (_, i) => `exclude=x${i}`).join('&')}`);
    expect(flood.status).toBe(400);
    expect(flood.json.problems).toHaveLength(11);
    expect(flood.json.problems[10]).toBe('exclude: 490 more problems left out');
  });

  it('serves /livez, /readyz and /startupz at the root with kubernetesAliases', async () => {
    const livez = await running.get('/livez?verbose');
    expect(livez.status).toBe(200);
    expect(livez.text.endsWith('livez check passed\n')).toBe(true);
    const readyz = await running.get('/readyz?exclude=redis');
    expect(readyz.status).toBe(200);
    expect(readyz.json).toMatchObject({ layer: 'ready' });
    expect((await running.get('/startupz')).status).toBe(200);
  });
});

describe.each(TRANSPORTS)('maintenance in groups and verbose answers on %s', (transport) => {
  it('turns groups 503 like readiness, with a line of its own in ?verbose', async () => {
    const running = await startHealthTransport(transport, {
      adminToken: TOKEN,
      checks: [defineCheck({ name: 'postgres', run: () => 'pass' })],
      groups: { core: { checks: ['postgres'] } },
    });
    try {
      const on = await running.request('PUT', '/health/maintenance', { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'reindexing embeddings' }) });
      expect(on.status).toBe(200);
      const group = await running.get('/health/groups/core');
      expect(group.status).toBe(503);
      expect(group.headers.get('retry-after')).toBeTruthy();
      const verbose = await running.get('/health/ready?verbose');
      expect(verbose.status).toBe(503);
      expect(verbose.text).toBe('[+]postgres ok\n[-]maintenance failed: reason withheld\nreadyz check failed\n');
      expect((await running.get('/health/ready?verbose', auth)).text).toContain('[-]maintenance failed: reindexing embeddings\n');
    } finally {
      await running.close();
    }
  });
});

describe.each(TRANSPORTS)('aliases off by default on %s', (transport) => {
  it('does not take /livez and /readyz from the app', async () => {
    const running = await startHealthTransport(transport, { checks: [], service: { version: '2.0.0-β' } });
    try {
      expect((await running.get('/livez')).status).toBe(404);
      expect((await running.get('/readyz')).status).toBe(404);
      const verbose = await running.get('/health/ready?verbose');
      expect(verbose.text).toBe('readyz check passed\n');
      // A version that is not printable ASCII cannot go in a header as it is: replaced, never a 500.
      expect(verbose.headers.get('x-health-version')).toBe('2.0.0-?');
    } finally {
      await running.close();
    }
  });
});

describe('groups validation', () => {
  it('fails at boot listing every problem of every group', async () => {
    @Module({
      imports: [
        DeepHealthModule.forRoot({
          checks: [defineCheck({ name: 'db', run: () => 'pass' })],
          groups: {
            ok: { checks: ['db'] },
            empty: { checks: [] },
            twice: { checks: ['db', 'db'], details: 'sometimes' as never },
            'bad name!': { checks: ['db'] },
            extra: { checks: ['db'], critical: true } as never,
          },
        }),
      ],
    })
    class BrokenModule {}
    const error = await bootContext(BrokenModule).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).problems).toEqual([
      expect.stringMatching(/^groups\.empty\.checks: must be a non-empty array/),
      expect.stringMatching(/^groups\.twice\.details: must be one of/),
      'groups.twice.checks[1]: "db" is listed twice',
      expect.stringMatching(/^groups\.bad name!: group name must be/),
      expect.stringMatching(/^groups\.extra\.critical: unknown option/),
    ]);
  });

  it('fails at boot on group check names that do not exist, listing each', async () => {
    @Module({ imports: [DeepHealthModule.forRoot({ checks: [defineCheck({ name: 'db', run: () => 'pass' })], groups: { ops: { checks: ['db', 'cache', 'queue'] } } })] })
    class BrokenModule {}
    const error = await bootContext(BrokenModule).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as InvalidOptionsError).problems).toEqual([
      expect.stringMatching(/^groups\.ops\.checks\[1\]: no check named "cache"/),
      expect.stringMatching(/^groups\.ops\.checks\[2\]: no check named "queue"/),
    ]);
  });
});
