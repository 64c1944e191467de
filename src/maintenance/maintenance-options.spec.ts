import { defineCheck } from '../engine/check.js';
import { resolveOptions, validateCheckSet } from '../module/resolve-options.js';
import { InvalidOptionsError } from '../validation/problems.js';
import { parseEnableRequest, parseStoredState } from './maintenance-request.js';
import type { MaintenanceStore } from './maintenance-store.js';

const store: MaintenanceStore = { read: async () => undefined, write: async () => undefined, subscribe: async () => () => undefined, close: async () => undefined };
const resultStore = { get: async () => undefined, tryLock: async () => true, put: async () => undefined };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error.problems;
    throw error;
  }
  throw new Error('expected InvalidOptionsError');
}

describe('maintenance option', () => {
  it('defaults to off, not read-only, 60 s Retry-After, 5 s polling, 2 s store timeout', () => {
    expect(resolveOptions({}, {}).maintenance).toEqual({ readOnly: false, retryAfterSeconds: 60, pollIntervalMs: 5000, storeTimeoutMs: 2000 });
  });

  it.each([
    ['1', 'maintenance mode'],
    ['true', 'maintenance mode'],
    ['ON', 'maintenance mode'],
    ['yes', 'maintenance mode'],
    ['  restoring backup  ', 'restoring backup'],
  ])('MAINTENANCE_MODE=%j starts in maintenance with reason %j', (value, reason) => {
    expect(resolveOptions({}, { MAINTENANCE_MODE: value }).maintenance.initial).toEqual({ reason, readOnly: false });
  });

  it.each(['', '0', 'false', 'off', 'no', 'OFF'])('MAINTENANCE_MODE=%j leaves maintenance off', (value) => {
    expect(resolveOptions({}, { MAINTENANCE_MODE: value }).maintenance.initial).toBeUndefined();
  });

  it('lets the option win over the environment and takes its reason', () => {
    expect(resolveOptions({ maintenance: { enabled: false } }, { MAINTENANCE_MODE: '1' }).maintenance.initial).toBeUndefined();
    expect(resolveOptions({ maintenance: { reason: 'cold standby', readOnly: true } }, { MAINTENANCE_MODE: '1' }).maintenance.initial).toEqual({
      reason: 'cold standby',
      readOnly: true,
    });
    expect(resolveOptions({ maintenance: { enabled: true } }, {}).maintenance.initial).toEqual({ reason: 'maintenance mode', readOnly: false });
  });

  it('reports every problem at once, with the environment variable named', () => {
    const problems = problemsOf(() =>
      resolveOptions(
        {
          maintenance: { enabled: 'yes', reason: 'x'.repeat(300), pollIntervalMs: 5, storeTimeoutMs: -1, retryAfterSeconds: 0, store: {}, extra: 1 } as never,
        },
        {},
      ),
    );
    expect(problems).toEqual([
      'maintenance.extra: unknown option (known: enabled, reason, readOnly, retryAfterSeconds, store, pollIntervalMs, storeTimeoutMs)',
      'maintenance.enabled: must be true or false, got "yes"',
      'maintenance.reason: must be at most 200 characters, got 300',
      'maintenance.retryAfterSeconds: must be between 1 and 86400, got 0',
      'maintenance.pollIntervalMs: must be between 100 and 3600000, got 5',
      'maintenance.storeTimeoutMs: must be between 10 and 60000, got -1',
      expect.stringContaining('maintenance.store: must be a MaintenanceStore'),
    ]);
    expect(problemsOf(() => resolveOptions({}, { MAINTENANCE_MODE: 'line one\nline two' }))).toEqual([
      'maintenance.enabled: environment variable MAINTENANCE_MODE is a reason that must not contain control characters (newlines, tabs...)',
    ]);
  });

  it('refuses a user check named like the store check', () => {
    const checks = [defineCheck({ name: 'maintenance:store', run: () => 'pass' })];
    expect(problemsOf(() => resolveOptions({ checks, maintenance: { store } }, {}))).toEqual([
      expect.stringContaining('maintenance.store: a check named "maintenance:store" is added by the maintenance store'),
    ]);
    expect(resolveOptions({ checks }, {}).checks).toHaveLength(1);
  });
});

describe('sharedResults option', () => {
  const llm = defineCheck({ name: 'llm', critical: false, run: () => 'pass' });
  const uncached = defineCheck({ name: 'fresh', cacheTtlMs: 0, run: () => 'pass' });

  it('accepts configured checks with a TTL', () => {
    expect(resolveOptions({ checks: [llm], sharedResults: { store: resultStore, checks: ['llm'] } }, {}).sharedResults).toEqual({ store: resultStore, checks: ['llm'] });
  });

  it('names checks without TTL and a bad store with the options, unknown names once every module registered its checks', () => {
    const raw = { checks: [llm, uncached], sharedResults: { store: resultStore, checks: ['llm', 'nope', 'fresh'] } };
    // "nope" may be a forFeature check: the options alone cannot tell.
    expect(problemsOf(() => resolveOptions({ ...raw, sharedResults: { ...raw.sharedResults, store: {} as never } }, {}))).toEqual([
      expect.stringContaining('sharedResults.store: must be a SharedResultStore'),
      'sharedResults.checks[2]: check "fresh" has cacheTtlMs 0: a shared result needs a TTL greater than 0',
    ]);
    const options = resolveOptions({ ...raw, checks: [llm], sharedResults: { ...raw.sharedResults, checks: ['llm', 'nope'] } }, {});
    expect(problemsOf(() => validateCheckSet({ source: 'checks', checks: options.checks }, [], options))).toEqual([
      'sharedResults.checks[1]: no check named "nope" (known: llm)',
    ]);
    expect(problemsOf(() => resolveOptions({ sharedResults: { store: resultStore, checks: [] } }, {}))).toEqual([
      'sharedResults.checks: must be a non-empty array of check names, got an array',
    ]);
  });
});

describe('parseEnableRequest', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  const context = { now, defaultReadOnly: true, fleetAvailable: true };

  it('fills scope, since, until from durationSeconds, and the default read-only', () => {
    expect(parseEnableRequest({ reason: ' upgrade ', durationSeconds: 600, scope: 'fleet' }, context)).toEqual({
      enabled: true,
      scope: 'fleet',
      reason: 'upgrade',
      since: '2026-11-21T10:00:00.000Z',
      until: '2026-11-21T10:10:00.000Z',
      readOnly: true,
    });
    expect(parseEnableRequest({ reason: 'x', until: new Date(now + 1000), readOnly: false }, context)).toMatchObject({ scope: 'instance', readOnly: false, until: '2026-11-21T10:00:01.000Z' });
  });

  it('refuses an until more than 30 days ahead and a body that is not an object', () => {
    expect(problemsOf(() => parseEnableRequest({ reason: 'x', until: '2027-06-01T00:00:00Z' }, context))).toEqual(['until: must be within 30 days from now']);
    expect(problemsOf(() => parseEnableRequest(null, context))).toEqual(['body: must be a JSON object like {"reason": "..."}, got null']);
  });
});

describe('parseStoredState', () => {
  it('normalizes a valid state to fleet scope and rejects what it cannot trust', () => {
    expect(parseStoredState({ enabled: true, reason: 'r', scope: 'instance', extra: 1 })).toEqual({ state: { enabled: true, scope: 'fleet', reason: 'r', readOnly: false } });
    expect(parseStoredState(undefined)).toEqual({ state: undefined });
    expect(parseStoredState({ enabled: false })).toEqual({ state: undefined });
    expect(parseStoredState({ enabled: true })).toEqual({ problem: 'reason is missing or invalid' });
    expect(parseStoredState({ enabled: true, reason: 'r', until: 'later' })).toEqual({ problem: 'until is not a date-time' });
    expect(parseStoredState('garbage')).toEqual({ problem: 'expected an object, got "garbage"' });
  });
});
