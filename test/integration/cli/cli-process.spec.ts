import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, ensureBuilt, root, runCli as run, type Run } from './built-cli';
import { freePort, hang, reply, selfSignedCertificate, startServer, type TestServer } from './health-server';

/** Exactly one line on stdout, nothing on stderr. */
function theLine(result: Run): string {
  expect(result.stderr).toBe('');
  expect(result.stdout.endsWith('\n')).toBe(true);
  const lines = result.stdout.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

beforeAll(() => ensureBuilt(), 180_000);

/**
 * The BUILT bin (`dist/cli/main.js`, what package.json `bin` points at) as a child process:
 * exit codes, the single stdout line, prompt exit, and that it loads nothing from node_modules.
 */
describe('nestjs-deep-health probe (built bin, child process)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('starts with a shebang, as an npm bin must', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('loads only its own files and Node built-ins: no Nest, no driver, nothing from node_modules', () => {
    const probeScript = `require(${JSON.stringify(bin)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
    const loaded = JSON.parse(spawnSync(process.execPath, ['-e', probeScript], { encoding: 'utf8' }).stdout) as string[];
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((file) => !file.startsWith(join(root, 'dist') + '/'))).toEqual([]);
  });

  it('exits 0 with "healthy: 200 pass <url> (<n> ms)" on a passing endpoint', async () => {
    server = await startServer(reply(200, { status: 'pass' }));
    const result = await run(['probe', server.url()]);
    expect(result.code).toBe(0);
    expect(theLine(result)).toMatch(/^healthy: 200 pass http:\/\/127\.0\.0\.1:\d+\/health\/live \(\d+ ms\)$/);
  });

  it('exits 0 on 200 warn', async () => {
    server = await startServer(reply(200, { status: 'warn' }));
    const result = await run(['probe', server.url('/health/ready')]);
    expect(result.code).toBe(0);
    expect(theLine(result)).toMatch(/^healthy: 200 warn /);
  });

  it('exits 1 on 503 fail', async () => {
    server = await startServer(reply(503, { status: 'fail' }));
    const result = await run(['probe', server.url('/health/ready')]);
    expect(result.code).toBe(1);
    expect(theLine(result)).toMatch(/^unhealthy: 503 fail http:\/\/127\.0\.0\.1:\d+\/health\/ready \(\d+ ms\)$/);
  });

  it('exits 1 with "connection refused" when nothing listens', async () => {
    const port = await freePort();
    const result = await run(['probe', `http://127.0.0.1:${port}/health/live`]);
    expect(result.code).toBe(1);
    expect(theLine(result)).toMatch(new RegExp(`^unhealthy: connection refused http://127\\.0\\.0\\.1:${port}/health/live \\(\\d+ ms\\)$`));
  });

  it('exits 1 promptly after --timeout on a hung server (the socket does not keep it alive)', async () => {
    server = await startServer(hang);
    const result = await run(['probe', server.url(), '--timeout', '300']);
    expect(result.code).toBe(1);
    expect(result.signal).toBeNull();
    expect(theLine(result)).toBe(`unhealthy: no answer within 300 ms ${server.url()}`);
    expect(result.ms).toBeGreaterThanOrEqual(300);
    expect(result.ms).toBeLessThan(5_000); // 300 ms + process start-up, far from the 15 s kill
  });

  it('exits 1 on a 200 whose body is not JSON', async () => {
    server = await startServer(reply(200, 'OK'));
    const result = await run(['probe', server.url()]);
    expect(result.code).toBe(1);
    expect(theLine(result)).toMatch(/^unhealthy: 200 with a body that is not JSON /);
  });

  it('takes the URL from HEALTHCHECK_URL when none is given', async () => {
    server = await startServer(reply(200, { status: 'ok', info: {}, error: {}, details: {} }));
    const result = await run(['probe'], { HEALTHCHECK_URL: server.url() });
    expect(result.code).toBe(0);
    expect(theLine(result)).toMatch(/^healthy: 200 ok /);
  });

  it('prefers the URL argument over HEALTHCHECK_URL', async () => {
    server = await startServer(reply(200, { status: 'pass' }));
    const result = await run(['probe', server.url('/health/startup')], { HEALTHCHECK_URL: 'http://127.0.0.1:1/nope' });
    expect(result.code).toBe(0);
    expect(theLine(result)).toContain('/health/startup');
  });

  it('never prints credentials from the URL', async () => {
    server = await startServer(reply(503, { status: 'fail' }));
    const result = await run(['probe', `http://ops:pa55-w0rd@127.0.0.1:${server.port}/health/deep`]);
    expect(result.code).toBe(1);
    expect(theLine(result)).toContain(`http://ops:***@127.0.0.1:${server.port}/health/deep`);
    expect(result.stdout).not.toContain('pa55-w0rd');
  });

  it.each([
    [[], /^error: no command given/],
    [['probe'], /^error: no URL given and HEALTHCHECK_URL is not set/],
    [['probe', 'http://127.0.0.1:1/', '--timeout', 'soon'], /^error: --timeout must be a whole number of milliseconds/],
    [['probe', 'http://127.0.0.1:1/', '--bogus'], /^error: Unknown option '--bogus'/],
    [['probe', 'not a url'], /^error: "not a url" is not an absolute http/],
  ])('exits 1 with one error line for bad arguments %j', async (args, pattern) => {
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(theLine(result)).toMatch(pattern);
  });

  it('exits 0 with the usage text for --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: nestjs-deep-health probe/);
  });

  it('probes HTTPS, trusting a private CA through NODE_EXTRA_CA_CERTS', async () => {
    const certificate = selfSignedCertificate();
    try {
      server = await startServer(reply(200, { status: 'pass' }), certificate);
      const untrusted = await run(['probe', server.url()]);
      expect(untrusted.code).toBe(1);
      expect(theLine(untrusted)).toMatch(/^unhealthy: .*self-signed certificate/);
      const trusted = await run(['probe', server.url()], { NODE_EXTRA_CA_CERTS: certificate.certPath });
      expect(trusted.code).toBe(0);
      expect(theLine(trusted)).toMatch(/^healthy: 200 pass https:\/\/127\.0\.0\.1:\d+\/health\/live /);
    } finally {
      certificate.dispose();
    }
  });
});
