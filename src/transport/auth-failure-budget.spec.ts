import { Problems } from '../validation/problems';
import { AUTH_FAILURE_BUDGET_DEFAULTS, AuthFailureBudget, resolveAuthFailureBudget } from './auth-failure-budget';

describe('AuthFailureBudget', () => {
  let now = 0;
  const budget = (maxClients = 100) => new AuthFailureBudget({ maxFailures: 3, windowSeconds: 60, maxClients }, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('refuses a client after maxFailures until its window ends, and only that client', () => {
    const b = budget();
    for (let i = 0; i < 3; i++) {
      expect(b.refusedFor('a')).toBeUndefined();
      b.fail('a');
    }
    expect(b.refusedFor('a')).toBe(60);
    expect(b.refusedFor('b')).toBeUndefined();
    now += 45_500;
    expect(b.refusedFor('a')).toBe(15);
    now += 14_500;
    expect(b.refusedFor('a')).toBeUndefined();
  });

  it('forgives the failures of a client that then sends the right token', () => {
    const b = budget();
    b.fail('a');
    b.fail('a');
    b.succeed('a');
    b.fail('a');
    b.fail('a');
    expect(b.refusedFor('a')).toBeUndefined();
  });

  it('keeps at most maxClients entries, whatever the number of addresses', () => {
    const b = budget(50);
    for (let i = 0; i < 10_000; i++) b.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(b.size).toBe(50);
  });
});

describe('resolveAuthFailureBudget', () => {
  it('is on by default, false turns it off, and every bad field is listed', () => {
    expect(resolveAuthFailureBudget(new Problems(), undefined)).toEqual(AUTH_FAILURE_BUDGET_DEFAULTS);
    expect(resolveAuthFailureBudget(new Problems(), false)).toBe(false);
    const problems = new Problems();
    resolveAuthFailureBudget(problems, { maxFailures: 0, windowSeconds: 'x', extra: 1 });
    expect(problems.list).toEqual([
      'authFailureBudget.extra: unknown option (known: maxFailures, windowSeconds, maxClients)',
      'authFailureBudget.maxFailures: must be between 1 and 1000000, got 0',
      'authFailureBudget.windowSeconds: must be an integer, got "x"',
    ]);
  });
});
