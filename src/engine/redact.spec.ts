import { describeError, redactSecrets } from './redact';
import { toSafeJson as redactDeep } from './safe-value';

describe('redactSecrets', () => {
  it.each([
    ['postgres://app:s3cr3t@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['amqp://guest:guest@127.0.0.1:5672', 'amqp://guest:***@127.0.0.1:5672'],
    ['redis://:pa55word@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['GET https://x.test/v1/models?key=AIzaSyA1234567890abcdefghijk', 'GET https://x.test/v1/models?key=***'],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer ***'],
    ['Incorrect API key provided: sk-proj-abcdefghijklmnop', 'Incorrect API key provided: ***'],
    ['{"api_key":"zzzzzzzzzz"}', '{"api_key":"***"}'],
    ['password=hunter2 host=db', 'password=*** host=db'],
    ['token: abcdefgh', 'token: ***'],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('masks registered secrets wherever they appear, also URL-encoded', () => {
    expect(redactSecrets('echo: my key/is+odd and my%20key%2Fis%2Bodd', ['my key/is+odd'])).toBe('echo: *** and ***');
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('2 pending: AddIndex1712100000000')).toBe('2 pending: AddIndex1712100000000');
  });

  it('redacts every string of a nested value', () => {
    expect(redactDeep({ a: ['sk-ant-abcdefghijkl'], n: 3 })).toEqual({ a: ['***'], n: 3 });
  });

  it('never passes on a value nested beyond its depth limit unredacted', () => {
    let nested: unknown = { url: 'postgres://app:s3cr3t@db/app', key: 'my-own-secret' };
    for (let i = 0; i < 12; i++) nested = { inner: nested };
    const text = JSON.stringify(redactDeep(nested, ['my-own-secret']));
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('my-own-secret');
  });
});

describe('describeError', () => {
  it('keeps the code and first line of an error, redacted', () => {
    const error = Object.assign(new Error('connect failed to redis://:pw123456@h:1\nstack...'), { code: 'ECONNREFUSED' });
    expect(describeError(error)).toBe('ECONNREFUSED: connect failed to redis://:***@h:1');
  });

  it('redacts before cutting a long message, so no prefix of a secret survives the cut', () => {
    const secret = 'topsecretvalue123';
    const described = describeError(new Error(`${'x'.repeat(495)}${secret}`), [secret]);
    expect(described.length).toBeLessThanOrEqual(500);
    expect(described).not.toContain('tops');
  });

  it('redacts the registered secrets of every part of an AggregateError', () => {
    const secret = 'part-secret-value';
    const error = new AggregateError([new Error(`${'y'.repeat(495)}${secret}`), new Error('b')], '');
    expect(describeError(error, [secret])).not.toContain('part-');
  });

  it('describes errors from another realm (duck-typed)', () => {
    expect(describeError({ message: 'socket hang up', code: 'ECONNRESET' })).toBe('ECONNRESET: socket hang up');
  });

  it('describes an AggregateError without a message by its parts', () => {
    const error = new AggregateError([new Error('a'), new Error('b')], '');
    expect(describeError(error)).toBe('a; b');
  });
});
