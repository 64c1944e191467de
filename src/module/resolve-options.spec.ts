import { defineCheck } from '../engine/check';
import { resolveOptions } from './resolve-options';
import { InvalidOptionsError } from '../validation/problems';

const check = (name: string) => defineCheck({ name, run: () => 'pass' });

function problemsOf(options: unknown): readonly string[] {
  try {
    resolveOptions(options as never, {});
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error.problems;
    throw error;
  }
  throw new Error('expected resolveOptions to throw');
}

describe('resolveOptions: the options of issue 14', () => {
  it('resolves groups with the module details policy as their default, and kubernetesAliases off', () => {
    const resolved = resolveOptions({ details: 'never', groups: { payments: { checks: ['db'] }, ops: { checks: ['db'], details: 'always' } } }, {});
    expect(resolved.groups).toEqual({ payments: { checks: ['db'], details: 'never' }, ops: { checks: ['db'], details: 'always' } });
    expect(resolved.kubernetesAliases).toBe(false);
  });

  it('reports every problem of the new options with every other one', () => {
    const problems = problemsOf({
      format: 'xml',
      isGlobal: 'yes',
      versionNeutral: 0,
      swagger: {},
      kubernetesAliases: 'on',
      controllerDecorators: 'Public()',
      groups: { ok: { checks: ['db'] }, empty: { checks: [] }, odd: 'db', 'a b': { checks: ['db'] } },
    });
    expect(problems).toEqual([
      'isGlobal: must be true or false, got "yes"',
      'versionNeutral: must be true or false, got 0',
      'swagger: must be true or false, got an object',
      'kubernetesAliases: must be true or false, got "on"',
      'controllerDecorators: must be an array of class decorators, got "Public()"',
      'groups.empty.checks: must be a non-empty array of check names, got an array',
      'groups.odd: must be an object, got "db"',
      'groups.a b: group name must be 1-64 letters, digits and . _ - (starting with a letter or digit)',
      expect.stringMatching(/^format: must be one of/),
    ]);
  });
});

describe('resolveOptions', () => {
  it('reports relations between values in the same round as every other problem (issue 11 defect 8)', () => {
    expect(problemsOf({ format: 'xml', liveness: { eventLoopDelay: { warnMs: 500, failMs: 100 } } })).toEqual([
      'format: must be one of "ietf", "terminus", got "xml"',
      'liveness.eventLoopDelay: warnMs (500) must not exceed failMs (100)',
    ]);
  });

  it('type-checks critical, startup and refreshInBackground, and the failure options, of every check (defect 8, failureThreshold)', () => {
    const odd = defineCheck({ name: 'odd', critical: 'no' as never, startup: 1 as never, refreshInBackground: 'yes' as never, failureThreshold: 0, failureCacheTtlMs: 9000, cacheTtlMs: 1000, run: () => 'pass' });
    expect(problemsOf({ checks: [odd], defaults: { failureCacheTtlMs: 6000, cacheTtlMs: 5000 } })).toEqual([
      'checks[0].critical: must be true or false, got "no"',
      'checks[0].refreshInBackground: must be true or false, got "yes"',
      'checks[0].startup: must be true or false, got 1',
      'checks[0].failureThreshold: must be between 1 and 1000, got 0',
      'checks[0].failureCacheTtlMs: must not exceed cacheTtlMs (1000): a failed result is reused for a shorter time than a good one, got 9000',
      'defaults.failureCacheTtlMs: must not exceed cacheTtlMs (5000): a failed result is reused for a shorter time than a good one, got 6000',
    ]);
  });

  it('fills defaults that fit a Kubernetes probe with a 1 s timeout', () => {
    const resolved = resolveOptions({}, {});
    expect(resolved).toMatchObject({
      path: 'health',
      checks: [],
      defaults: { timeoutMs: 800, cacheTtlMs: 5000, deadlineMs: 900 },
      details: 'when-authorized',
      format: 'ietf',
      shutdown: { drainDelayMs: 0 },
    });
    expect(resolved.defaults.deadlineMs).toBeLessThan(1000);
  });

  it('reports every problem at once as "path: message"', () => {
    const problems = problemsOf({
      path: 'bad path!',
      checks: [check('db'), check('db'), { name: 'fake' }],
      defaults: { timeoutMs: -1, cacheTtlMs: 'soon' },
      details: 'sometimes',
      adminToken: 'short',
      format: 'xml',
      shutdown: { drainDelayMs: 1.5 },
      liveness: { heap: { warnRatio: 2 } },
      defualts: {},
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^path: must be a URL path/),
        expect.stringMatching(/^checks\[1\]\.name: duplicate check name "db" \(also checks\[0\]\)/),
        expect.stringMatching(/^checks\[2\]: must be a check made by defineCheck\(\)/),
        'defaults.timeoutMs: must be between 1 and 600000, got -1',
        'defaults.cacheTtlMs: must be an integer, got "soon"',
        expect.stringMatching(/^details: must be one of "always", "when-authorized", "never", got "sometimes"/),
        'adminToken: must be a string of at least 16 characters (got 5 characters)',
        expect.stringMatching(/^format: must be one of/),
        'shutdown.drainDelayMs: must be an integer, got 1.5',
        'liveness.heap.warnRatio: must be between 0.01 and 1, got 2',
        expect.stringMatching(/^defualts: unknown option/),
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it('rejects a check that takes the name of a built-in liveness check (it would replace it silently)', () => {
    expect(problemsOf({ checks: [check('process:heap'), check('process:event-loop')] })).toEqual([
      'checks[0].name: "process:heap" is the name of a built-in liveness check; give your check another name',
      'checks[1].name: "process:event-loop" is the name of a built-in liveness check; give your check another name',
    ]);
  });

  it('never echoes the admin token in an error', () => {
    const problems = problemsOf({ adminToken: 'tiny-secret' });
    expect(problems.join('\n')).not.toContain('tiny-secret');
  });

  it('takes version fields from options, then the environment', () => {
    expect(resolveOptions({ service: { version: '1.0.0' } }, { APP_VERSION: '9.9.9' }).service.version).toBe('1.0.0');
    const fromEnv = resolveOptions({}, { APP_VERSION: '9.9.9', GIT_SHA: 'abc123' }).service;
    expect(fromEnv).toMatchObject({ version: '9.9.9', releaseId: 'abc123' });
    expect(resolveOptions({}, { RELEASE_ID: 'r1', GIT_SHA: 'abc' }).service.releaseId).toBe('r1');
  });

  it('rejects warn thresholds above fail thresholds', () => {
    expect(problemsOf({ liveness: { eventLoopDelay: { warnMs: 500, failMs: 100 } } })).toEqual([
      'liveness.eventLoopDelay: warnMs (500) must not exceed failMs (100)',
    ]);
  });
});
