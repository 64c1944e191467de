import { HealthEngine, type CheckResult, type HealthCheck } from 'nestjs-deep-health';
import { refusedUrl, type FakeServer } from './fakes/fake-server';
import { vendorRoute, type VendorSpec } from './fakes/vendor-route';
import type { SecretScan } from './secret-scan';

/** Runs one check through a fresh engine (no cache) and records the result for the secret scan. */
export function evaluator(scan: SecretScan): (check: HealthCheck) => Promise<CheckResult> {
  return async (check) => {
    const engine = new HealthEngine({ timeoutMs: 2000, cacheTtlMs: 0, deadlineMs: 5000 });
    try {
      const { results } = await engine.evaluate([check]);
      scan.record(results);
      return results[0]!;
    } finally {
      engine.close();
    }
  };
}

/** The transport failures every HTTP check must survive: a hung answer and a refused connection. */
export function transportFailureTests(context: {
  fake: () => FakeServer;
  spec: VendorSpec;
  key: string;
  make: (url: string, extra?: { timeoutMs?: number }) => HealthCheck;
  evaluate: (check: HealthCheck) => Promise<CheckResult>;
}): void {
  const { spec, key, make, evaluate } = context;

  it('fails a slow answer at the timeout, aborting the request and closing its socket', async () => {
    const fake = context.fake();
    fake.reset(vendorRoute(spec, 'slow', key));
    const started = Date.now();
    const result = await evaluate(make(fake.url, { timeoutMs: 300 }));
    expect(result).toMatchObject({ status: 'fail', output: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(300 + 1000);
    expect(fake.hung).toHaveLength(1);
    await expect(fake.hungSocketsClosed(2000)).resolves.toBeUndefined();
  });

  it('fails when the connection is refused', async () => {
    const url = await refusedUrl();
    const result = await evaluate(make(url));
    expect(result.status).toBe('fail');
    expect(result.output).toMatch(new RegExp(`unreachable at ${url.replace(/\./g, '\\.')}: connection refused \\(ECONNREFUSED\\)$`));
  });
}
