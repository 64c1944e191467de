import { execFileSync } from 'node:child_process';
import { Gauge, Registry } from 'prom-client';
import { defineCheck, MaintenanceService } from '../../src/index';
import { ADAPTERS, startHealthApp } from '../support/health-app';

/** Parses Prometheus text into { name{labels}: value }. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?(?:\{.*\})?)\s+(\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

function promtool(text: string): string {
  try {
    return execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('promtool is not installed: apt-get install prometheus (the CI script does this)');
    throw new Error(`promtool check metrics failed:\n${e.stdout}${e.stderr}`);
  }
}

describe.each(ADAPTERS)('metrics on %s', (adapter) => {
  it('serves check status, durations, maintenance and version info that pass promtool', async () => {
    let dbStatus: 'pass' | 'fail' = 'pass';
    const running = await startHealthApp(adapter, {
      metrics: true,
      service: { name: 'orders-api', version: '1.4.2', releaseId: '9f1c2ab' },
      checks: [
        defineCheck({ name: 'postgres', cacheTtlMs: 0, run: () => dbStatus }),
        defineCheck({ name: 'openai', critical: false, run: () => 'warn' }),
      ],
    });
    try {
      const res = await running.get('/health/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(promtool(res.text)).toBe('');
      const samples = parse(res.text);
      expect(samples.get('deep_health_check_status{check="postgres",critical="true",status="pass"}')).toBe(1);
      expect(samples.get('deep_health_check_status{check="postgres",critical="true",status="fail"}')).toBe(0);
      expect(samples.get('deep_health_check_status{check="openai",critical="false",status="warn"}')).toBe(1);
      expect(samples.get('deep_health_info{service="orders-api",version="1.4.2",release_id="9f1c2ab"}')).toBe(1);
      expect(samples.get('deep_health_maintenance{scope="instance"}')).toBe(0);
      expect(samples.get('deep_health_draining')).toBe(0);
      expect(samples.get('deep_health_check_duration_seconds_count{check="postgres"}')).toBeGreaterThanOrEqual(1);

      dbStatus = 'fail';
      await running.app.get(MaintenanceService).enable({ reason: 'db upgrade' });
      const after = parse((await running.get('/health/metrics')).text);
      expect(after.get('deep_health_check_status{check="postgres",critical="true",status="fail"}')).toBe(1);
      expect(after.get('deep_health_maintenance{scope="instance"}')).toBe(1);
    } finally {
      await running.close();
    }
  });
});

describe('metrics options', () => {
  it('adds the metrics to the app registry with a custom prefix', async () => {
    const registry = new Registry();
    const running = await startHealthApp('express', { metrics: { registry, prefix: 'app_health_' }, checks: [defineCheck({ name: 'db', run: () => 'pass' })] });
    try {
      const text = (await running.get('/health/metrics')).text;
      expect(text).toContain('app_health_check_status{check="db",critical="true",status="pass"} 1');
      expect(await registry.metrics()).toContain('app_health_info');
    } finally {
      await running.close();
    }
  });

  it('takes its metrics out of a shared registry on close, so a second app in the process boots (issue 11 defect 6)', async () => {
    const registry = new Registry();
    registry.registerMetric(new Gauge({ name: 'app_own_metric', help: 'the app’s own', registers: [] }));
    const options = { metrics: { registry }, checks: [defineCheck({ name: 'db', run: () => 'pass' as const })] };
    const first = await startHealthApp('express', options);
    await first.close();
    const left = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(left).toEqual(['app_own_metric']);
    const second = await startHealthApp('fastify', options);
    try {
      expect((await second.get('/health/metrics')).text).toContain('deep_health_check_status{check="db"');
    } finally {
      await second.close();
    }
  });

  it('answers 404 with a reason when metrics are off', async () => {
    const running = await startHealthApp('fastify', {});
    try {
      const res = await running.get('/health/metrics');
      expect(res.status).toBe(404);
      expect(res.json.message).toContain('metrics are off');
    } finally {
      await running.close();
    }
  });
});
