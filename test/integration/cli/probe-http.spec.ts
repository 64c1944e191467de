import { probe } from '../../../src/cli/probe';
import { freePort, hang, reply, selfSignedCertificate, startServer, type TestServer } from './health-server';

/** probe() in-process against real loopback servers: every verdict and its one line. */
describe('probe() against a real server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serve = async (handler: Parameters<typeof startServer>[0]) => (server = await startServer(handler));

  it('is healthy on 200 pass, and says so in one line with code, status, URL and time', async () => {
    const s = await serve(reply(200, { status: 'pass', version: '1.0.0' }));
    const result = await probe(s.url());
    expect(result).toEqual({ healthy: true, line: expect.stringMatching(/^healthy: 200 pass http:\/\/127\.0\.0\.1:\d+\/health\/live \(\d+ ms\)$/) });
    expect(s.requests[0]!.method).toBe('GET');
    expect(s.requests[0]!.headers.accept).toContain('application/health+json');
  });

  it('is healthy on 200 warn (a degraded service still serves)', async () => {
    const s = await serve(reply(200, { status: 'warn', output: 'openai failed' }));
    expect(await probe(s.url('/health/deep'))).toEqual({ healthy: true, line: expect.stringMatching(/^healthy: 200 warn /) });
  });

  it.each([
    ['ok', { status: 'ok', info: { db: { status: 'up' } }, error: {}, details: {} }],
    ['up', { status: 'UP' }],
    ['degraded', { status: 'Degraded' }],
  ])('accepts the %s alias of another health format', async (_name, body) => {
    const s = await serve(reply(200, body));
    const result = await probe(s.url());
    expect(result.healthy).toBe(true);
    expect(result.line).toContain(`200 ${body.status} `);
  });

  it('is unhealthy on 503 fail and shows the top-level output, with credentials masked', async () => {
    const s = await serve(reply(503, { status: 'fail', output: 'postgres failed: postgres://app:hunter22@db:5432 refused' }));
    const result = await probe(s.url('/health/ready'));
    expect(result.healthy).toBe(false);
    expect(result.line).toMatch(/^unhealthy: 503 fail http:\/\/127\.0\.0\.1:\d+\/health\/ready \(\d+ ms\): postgres failed: /);
    expect(result.line).not.toContain('hunter22');
  });

  it('is unhealthy on the terminus error shape and on shutting_down', async () => {
    const s = await serve((req, res) =>
      reply(503, { status: req.url === '/a' ? 'error' : 'shutting_down', info: {}, error: { db: { status: 'down' } }, details: {} })(req, res),
    );
    expect(await probe(s.url('/a'))).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 503 error /) });
    expect(await probe(s.url('/b'))).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 503 shutting_down /) });
  });

  it('trusts the body over the code: 200 with status fail is unhealthy', async () => {
    const s = await serve(reply(200, { status: 'fail' }));
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 200 fail /) });
  });

  it('is unhealthy on a 2xx with a status it does not know', async () => {
    const s = await serve(reply(200, { status: 'green' }));
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 200 with unknown status "green" /) });
  });

  it.each([
    [404, 'Not Found'],
    [301, ''],
    [500, '<html>oops</html>'],
  ])('is unhealthy on %i (no redirect is followed)', async (code, body) => {
    const s = await serve((_req, res) => {
      res.writeHead(code, code === 301 ? { location: '/elsewhere' } : {});
      res.end(body);
    });
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(new RegExp(`^unhealthy: ${code} http://`)) });
    expect(s.requests).toHaveLength(1);
  });

  it('is unhealthy on a 200 whose body is not JSON', async () => {
    const s = await serve(reply(200, 'OK'));
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 200 with a body that is not JSON http:/) });
  });

  it('is unhealthy on a 200 JSON body without status, or with a non-object body', async () => {
    const s = await serve((req, res) => reply(200, req.url === '/a' ? { healthy: true } : [1, 2])(req, res));
    expect((await probe(s.url('/a'))).line).toMatch(/^unhealthy: 200 with no "status" field in the body /);
    expect((await probe(s.url('/b'))).line).toMatch(/^unhealthy: 200 with a body that is not JSON /);
  });

  it('is unhealthy on a body larger than 1 MiB and stops reading it', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"status":"pass","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    });
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: 200 with a body over 1048576 bytes /) });
  });

  it('is unhealthy with "connection refused" when nothing listens', async () => {
    const port = await freePort();
    expect(await probe(`http://127.0.0.1:${port}/health/live`)).toEqual({
      healthy: false,
      line: expect.stringMatching(new RegExp(`^unhealthy: connection refused http://127\\.0\\.0\\.1:${port}/health/live \\(\\d+ ms\\)$`)),
    });
  });

  it('is unhealthy with "connection reset" when the server drops the connection mid-body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"status":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect(await probe(s.url())).toEqual({ healthy: false, line: expect.stringMatching(/^unhealthy: connection reset /) });
  });

  it('gives up at the timeout on a hung server and closes its socket', async () => {
    const s = await serve(hang);
    const closed = s.nextClientClose();
    const started = Date.now();
    const result = await probe(s.url(), { timeoutMs: 300 });
    const took = Date.now() - started;
    expect(result).toEqual({ healthy: false, line: `unhealthy: no answer within 300 ms ${s.url()}` });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
    await closed; // the server saw the client hang up: no socket is left behind
  });

  it('applies the timeout to the body too (headers sent, body never ends)', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"pass"');
    });
    expect((await probe(s.url(), { timeoutMs: 300 })).line).toBe(`unhealthy: no answer within 300 ms ${s.url()}`);
  });

  it('sends URL credentials as Basic auth but never prints them', async () => {
    const s = await serve(reply(200, { status: 'pass' }));
    const url = `http://probe:S3cret%21pw@127.0.0.1:${s.port}/health/deep?token=tok-123456789`;
    const result = await probe(url);
    expect(result.healthy).toBe(true);
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('probe:S3cret!pw').toString('base64')}`);
    expect(result.line).toContain(`http://probe:***@127.0.0.1:${s.port}/health/deep?token=***`);
    expect(result.line).not.toMatch(/S3cret|tok-123456789/);
  });

  it('rejects a non-http URL and a bad timeout as usage errors, masking credentials', () => {
    expect(() => probe('ftp://user:pa55word@host/health')).toThrow(TypeError);
    expect(() => probe('ftp://user:pa55word@host/health')).toThrow(/^"ftp:\/\/user:\*\*\*@host\/health" is not an absolute http/);
    expect(() => probe('/health/live')).toThrow(TypeError);
    expect(() => probe('http://127.0.0.1/', { timeoutMs: 0 })).toThrow(/--timeout must be a whole number/);
  });

  describe('over HTTPS', () => {
    const certificate = selfSignedCertificate();
    afterAll(() => certificate.dispose());

    it('refuses a certificate it cannot verify, and says why', async () => {
      server = await startServer(reply(200, { status: 'pass' }), certificate);
      const result = await probe(server.url());
      expect(result.healthy).toBe(false);
      expect(result.line).toMatch(/^unhealthy: .*self-signed certificate.* https:\/\/127\.0\.0\.1:\d+\/health\/live \(\d+ ms\)$/);
    });

    it('is unhealthy when https:// meets a plain HTTP server', async () => {
      const s = await serve(reply(200, { status: 'pass' }));
      const result = await probe(s.url().replace('http:', 'https:'));
      expect(result.healthy).toBe(false);
      expect(result.line).toMatch(/^unhealthy: .+ https:\/\/127\.0\.0\.1:\d+\/health\/live \(\d+ ms\)$/);
    });
  });
});
