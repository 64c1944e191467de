import { HealthEngine } from './health-engine.js';
import { defineCheck, type HealthCheck } from './check.js';

// Every form of `run` the docs promise. The type half of this spec is checked by `npm run typecheck`
// (an async arrow returning a lone literal used to be TS2322: TypeScript widens it to `string`).
const forms: HealthCheck[] = [
  defineCheck({ name: 'async-literal', run: async () => 'pass' }),
  defineCheck({ name: 'async-warn', run: async () => 'warn' }),
  defineCheck({ name: 'sync-literal', run: () => 'pass' }),
  defineCheck({ name: 'async-outcome', run: async () => ({ status: 'pass', observedValue: 1 }) }),
  defineCheck({ name: 'async-void', run: async () => {} }),
  defineCheck({ name: 'sync-void', run: () => {} }),
  defineCheck({ name: 'async-branches', run: async ({ signal }) => (signal.aborted ? 'fail' : { status: 'pass' }) }),
];

describe('defineCheck run results', () => {
  const engine = new HealthEngine({ timeoutMs: 500, cacheTtlMs: 0, deadlineMs: 1000 });
  afterAll(() => engine.close());

  it('accepts a status, an outcome or nothing, sync or async', async () => {
    const { results } = await engine.evaluate(forms);
    const wrong = results.filter((r) => r.status !== (r.name === 'async-warn' ? 'warn' : 'pass')).map((r) => `${r.name}: ${r.status} ${r.output ?? ''}`);
    expect(wrong).toEqual([]);
  });

  it('reports an async string that is not a status as a fail that says why', async () => {
    const check = defineCheck({ name: 'typo', run: async () => 'passed' });
    expect(await engine.result(check)).toMatchObject({ status: 'fail', output: expect.stringContaining('invalid result') });
  });
});
