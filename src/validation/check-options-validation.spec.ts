import { CheckOptionProblems, validateCheckOptions } from './check-options-validation';

/** The message of what `call` throws (it must throw a TypeError). */
function thrown(call: () => void): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}

describe('validateCheckOptions', () => {
  it('checks the common options, then the factory’s own, and throws every problem in one TypeError', () => {
    const message = thrown(() =>
      validateCheckOptions(
        'someCheck',
        { name: '  ', critical: 'yes', timeoutMs: Infinity, cacheTtlMs: -1, refreshInBackground: 1, startup: null, limit: 2.5 },
        (problems, o) => problems.count('limit', o.limit),
      ),
    );
    expect(message.split('\n')).toEqual([
      'Invalid someCheck options (7 problems):',
      '  - name: must be a non-blank string, got "  "',
      '  - critical: must be true or false, got "yes"',
      '  - timeoutMs: must be an integer, got Infinity',
      '  - cacheTtlMs: must be between 0 and 86400000, got -1',
      '  - refreshInBackground: must be true or false, got 1',
      '  - startup: must be true or false, got null',
      '  - limit: must be a whole number >= 0 or Infinity, got 2.5',
    ]);
  });

  it('accepts valid options, with or without a validate callback', () => {
    const valid = { name: 'cache', critical: false, timeoutMs: 1, cacheTtlMs: 0, refreshInBackground: true, startup: false };
    expect(() => validateCheckOptions('someCheck', valid)).not.toThrow();
    expect(() => validateCheckOptions('someCheck', {}, (problems) => problems.count('limit', Infinity))).not.toThrow();
  });

  it('rejects anything but an options object, without calling validate', () => {
    const validate = jest.fn();
    expect(thrown(() => validateCheckOptions('someCheck', undefined, validate))).toBe('Invalid someCheck options (1 problem):\n  - options: must be an object, got undefined');
    expect(thrown(() => validateCheckOptions('someCheck', null as never, validate))).toBe('Invalid someCheck options (1 problem):\n  - options: must be an object, got null');
    expect(thrown(() => validateCheckOptions('someCheck', [] as never, validate))).toBe('Invalid someCheck options (1 problem):\n  - options: must be an object, got an array');
    expect(validate).not.toHaveBeenCalled();
  });

  it('never echoes a secret, an object’s contents or a URL’s credentials, path or query', () => {
    const message = thrown(() =>
      validateCheckOptions('someCheck', { apiKey: { token: 'hunter2' }, ratio: { password: 'hunter2' }, url: 'ftp://admin:hunter2@files:2121/x?key=hunter2' }, (problems, o) => {
        problems.secret('apiKey', o.apiKey);
        problems.positive('ratio', o.ratio);
        problems.url('url', o.url);
      }),
    );
    expect(message.split('\n').slice(1)).toEqual([
      '  - apiKey: must be a non-empty string, got an object',
      '  - ratio: must be a number above 0 or Infinity, got an object',
      '  - url: must use http or https, got "ftp:" in ftp://files:2121',
    ]);
    expect(message).not.toContain('hunter2');
  });
});

describe('CheckOptionProblems', () => {
  type Case = [label: string, add: (problems: CheckOptionProblems) => void, problem: string | undefined];
  const http = 'must be an absolute http(s) URL (e.g. http://127.0.0.1:6333), got an unparsable string';
  const amqp = 'must be an absolute amqp(s) URL (e.g. amqp://127.0.0.1:5672), got an unparsable string';
  const secret = (got: string) => `must be a non-empty string, got ${got}`;
  const count = (got: string) => `must be a whole number >= 0 or Infinity, got ${got}`;
  const positive = (got: string) => `must be a number above 0 or Infinity, got ${got}`;

  it.each<Case>([
    ['url: missing', (p) => p.url('x', undefined), 'is required'],
    ['url: missing, optional', (p) => p.url('x', undefined, { required: false }), undefined],
    ['url: empty', (p) => p.url('x', ''), 'must be an http(s) URL, got ""'],
    ['url: a number', (p) => p.url('x', 42), 'must be an http(s) URL, got 42'],
    ['url: unparsable', (p) => p.url('x', 'not a url'), http],
    ['url: https', (p) => p.url('x', 'https://host:8443/v1'), undefined],
    ['url: http where amqp is expected', (p) => p.url('x', 'http://guest:pw@rabbit', { scheme: 'amqp' }), 'must use amqp or amqps, got "http:" in http://rabbit'],
    ['url: amqps', (p) => p.url('x', 'amqps://guest:pw@rabbit:5671/vhost', { scheme: 'amqp' }), undefined],
    ['url: unparsable amqp', (p) => p.url('x', 'nope', { scheme: 'amqp' }), amqp],
    ['secret: missing', (p) => p.secret('x', undefined), 'is required'],
    ['secret: missing, optional', (p) => p.secret('x', undefined, { required: false }), undefined],
    ['secret: empty', (p) => p.secret('x', ''), secret('an empty string')],
    ['secret: blank', (p) => p.secret('x', '   '), secret('a blank string')],
    ['secret: a number, not echoed', (p) => p.secret('x', 1234), secret('a number')],
    ['secret: null', (p) => p.secret('x', null), secret('null')],
    ['secret: an array, not echoed', (p) => p.secret('x', ['sk-in-an-array']), secret('an array')],
    ['secret: a key', (p) => p.secret('x', 'sk-fine'), undefined],
    ['requiredString: missing', (p) => p.requiredString('x', undefined), 'is required'],
    ['requiredString: empty', (p) => p.requiredString('x', ''), 'must be a non-empty string, got ""'],
    ['requiredString: given', (p) => p.requiredString('x', 'docs'), undefined],
    ['ratio: above 1', (p) => p.ratio('x', 1.5), 'must be between 0 and 1, got 1.5'],
    ['ratio: below 0', (p) => p.ratio('x', -0.1), 'must be between 0 and 1, got -0.1'],
    ['ratio: within', (p) => p.ratio('x', 0.25), undefined],
    ['ratio: missing', (p) => p.ratio('x', undefined), undefined],
    ...[undefined, 0, 7, Infinity].map((value): Case => [`count: ${value}`, (p) => p.count('x', value), undefined]),
    ...([[-1, '-1'], [2.5, '2.5'], [Number.NaN, 'NaN'], [-Infinity, '-Infinity'], ['3', '"3"']] as const).map(
      ([value, shown]): Case => [`count: ${shown}`, (p) => p.count('x', value), count(shown)],
    ),
    ...[undefined, 0.5, 3, Infinity].map((value): Case => [`positive: ${value}`, (p) => p.positive('x', value), undefined]),
    ...([[0, '0'], [-1, '-1'], [Number.NaN, 'NaN'], ['1', '"1"']] as const).map(
      ([value, shown]): Case => [`positive: ${shown}`, (p) => p.positive('x', value), positive(shown)],
    ),
  ])('%s', (_label, add, problem) => {
    const problems = new CheckOptionProblems();
    add(problems);
    expect(problems.list).toEqual(problem === undefined ? [] : [`x: ${problem}`]);
  });
});
