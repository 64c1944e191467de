import { defineCheck } from '../../src/index';
import { TRANSPORTS, startHealthTransport, type RunningApp } from '../support/health-app';

/**
 * Health answers are written in one call (issue 17): the same headers and body as the contract
 * says, whatever the transport, with nothing an uncacheable answer does not need.
 */
describe.each(TRANSPORTS)('health answers written on %s', (transport) => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startHealthTransport(transport, {
      service: { name: 'orders', version: '1.2.3', releaseId: 'r-42' },
      checks: [defineCheck({ name: 'db', critical: true, run: () => undefined })],
    });
  });
  afterAll(() => running.close());

  it.each(['/health/live', '/health/ready', '/health/deep', '/health/startup'])('%s: contract headers, an exact Content-Length, no ETag', async (path) => {
    await running.get(path); // the first answer renders; the ones after it come from the reused wire form
    for (let i = 0; i < 3; i++) {
      const res = await running.get(path);
      const problems: string[] = [];
      if (res.headers.get('content-type') !== 'application/health+json; charset=utf-8') problems.push(`content-type ${res.headers.get('content-type')}`);
      if (!/no-cache/.test(res.headers.get('cache-control') ?? '') || !/no-store/.test(res.headers.get('cache-control') ?? '')) problems.push(`cache-control ${res.headers.get('cache-control')}`);
      if (res.headers.get('etag') !== null) problems.push(`etag ${res.headers.get('etag')}`);
      if (res.headers.get('content-length') !== String(Buffer.byteLength(res.text))) problems.push(`content-length ${res.headers.get('content-length')} for ${Buffer.byteLength(res.text)} bytes`);
      if (res.json?.version !== '1.2.3' || res.json?.releaseId !== 'r-42') problems.push(`version fields ${JSON.stringify([res.json?.version, res.json?.releaseId])}`);
      expect({ path, status: res.status, problems }).toEqual({ path, status: 200, problems: [] });
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await running.request('HEAD', '/health/live');
    expect({ status: res.status, type: res.headers.get('content-type'), body: res.text }).toEqual({ status: 200, type: 'application/health+json; charset=utf-8', body: '' });
  });
});
