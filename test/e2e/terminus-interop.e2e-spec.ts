import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, MemoryHealthIndicator, TerminusModule } from '@nestjs/terminus';
import { DeepHealthModule, defineCheck, fromTerminus, toTerminus } from '../../src/index';
import { ADAPTERS, startHealthApp, startTestingApp } from '../support/health-app';

describe('terminus interoperability', () => {
  it('refuses a one-shot promise, which would report its first result forever', () => {
    expect(() => fromTerminus('once', Promise.resolve({ once: { status: 'up' as const } }))).toThrow(/pass a function/);
  });
});

describe.each(ADAPTERS)('terminus interoperability on %s', (adapter) => {
  it('runs terminus indicators (built-in Memory, custom session-based) in our layers', async () => {
    const memory = new MemoryHealthIndicator(new HealthIndicatorService());
    const indicators = new HealthIndicatorService();
    const running = await startHealthApp(adapter, {
      details: 'always',
      checks: [
        fromTerminus('memory_heap', () => memory.checkHeap('memory_heap', 1024 ** 4)),
        fromTerminus('tiny_heap', () => memory.checkHeap('tiny_heap', 1), { critical: false }),
        fromTerminus('custom', () => indicators.check('custom').down({ message: 'model not loaded' })),
        fromTerminus('throws', async () => {
          throw Object.assign(new Error('legacy'), { causes: { throws: { status: 'down', message: 'legacy indicator down' } } });
        }),
      ],
    });
    try {
      const res = await running.get('/health/deep');
      expect(res.status).toBe(503);
      const checks = res.json.checks;
      expect(checks.memory_heap[0].status).toBe('pass');
      expect(checks.tiny_heap[0]).toMatchObject({ status: 'fail', critical: false });
      expect(checks.custom[0]).toMatchObject({ status: 'fail', output: 'model not loaded' });
      expect(checks.throws[0]).toMatchObject({ status: 'fail', output: 'legacy indicator down' });
    } finally {
      await running.close();
    }
  });

  it('lets our checks sit in a plain terminus HealthCheckService.check([...])', async () => {
    const ok = defineCheck({ name: 'ours_ok', run: () => ({ status: 'pass', observedValue: 1, observedUnit: 'ms' }) });
    const warn = defineCheck({ name: 'ours_warn', run: () => 'warn' });
    const bad = defineCheck({ name: 'ours_bad', timeoutMs: 50, run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) });

    @Controller('terminus')
    class TerminusController {
      constructor(private readonly health: HealthCheckService) {}

      @Get('good')
      @HealthCheck()
      good() {
        return this.health.check([toTerminus(ok), toTerminus(warn)]);
      }

      @Get('bad')
      @HealthCheck()
      bad() {
        return this.health.check([toTerminus(ok), toTerminus(bad)]);
      }
    }

    const { app, url } = await startTestingApp(adapter, { imports: [TerminusModule.forRoot({ logger: false }), DeepHealthModule.forRoot({})], controllers: [TerminusController] });
    try {
      const good = await fetch(`${url}/terminus/good`);
      expect(good.status).toBe(200);
      const goodBody = (await good.json()) as any;
      expect(goodBody.status).toBe('degraded');
      expect(goodBody.info.ours_ok).toMatchObject({ status: 'up', observedValue: 1 });
      expect(goodBody.info.ours_warn.status).toBe('degraded');

      const bad = await fetch(`${url}/terminus/bad`);
      expect(bad.status).toBe(503);
      const badBody = (await bad.json()) as any;
      expect(badBody.status).toBe('error');
      expect(badBody.error.ours_bad).toMatchObject({ status: 'down', message: 'timed out after 50 ms' });
    } finally {
      await app.close();
    }
  });
});
