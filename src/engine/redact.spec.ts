import { describeError, redactDeep, redactSecrets } from './redact';

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

describe('fragments of a registered secret', () => {
  const key = 'k7Qx9Zr2mN4pL8vT1wY5bC3dF6sD1';

  it.each([
    ['OpenAI', `Incorrect API key provided: k7Qx9Zr2****6sD1. You can find your API key at https://platform.openai.com/account/api-keys.`],
    ['OpenAI, short edges', `Incorrect API key provided: k7Qx**************************6sD1.`],
    ['a bullet mask', `key k7Qx9•••••sD1 rejected`],
    ['an ellipsis', `key k7Qx9Zr…F6sD1 rejected`],
    ['an 8-character substring', `gateway saw 9Zr2mN4p in the header`],
    ['the middle of the key', `rejected ...mN4pL8vT1wY5...`],
  ])('masks a %s partial echo', (_kind, text) => {
    const redacted = redactSecrets(text, [key]);
    expect(revealed(redacted, key)).toEqual([]);
  });

  it('keeps the text around the echo readable', () => {
    expect(redactSecrets('Incorrect API key provided: k7Qx9Zr2****6sD1. See docs.', [key])).toBe('Incorrect API key provided: ***. See docs.');
  });

  it('masks a masked echo of a key nobody registered', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-********************abcd.')).toBe('Incorrect API key provided: ***.');
    expect(redactSecrets('key AIza****wxyz is invalid')).toBe('key *** is invalid');
  });

  it('masks a secret split across the string fields of one value', () => {
    const value = { error: { keyStart: 'k7Qx9Z', keyEnd: 'r2mN4pL8', note: 'vT1wY5' }, n: 3 };
    const text = JSON.stringify(redactDeep(value, [key]));
    expect(revealed(text.replace(/[^A-Za-z0-9]/g, ''), key)).toEqual([]);
    expect(JSON.parse(text).n).toBe(3);
  });

  it('does not mask short words that happen to start a secret', () => {
    expect(redactSecrets('k7Q is a fine name, and so is 6sD', [key])).toBe('k7Q is a fine name, and so is 6sD');
  });
});

describe('SQL that carries a secret', () => {
  it.each([
    [`CREATE ROLE app LOGIN PASSWORD 'S3cr3t-Passw0rd'`, `CREATE ROLE app LOGIN PASSWORD '***'`],
    [`ALTER USER app WITH ENCRYPTED PASSWORD 'it''s-S3cr3t'`, `ALTER USER app WITH ENCRYPTED PASSWORD '***'`],
    [`CREATE ROLE app PASSWORD 'S3cr3t-cut-by-pg_stat_act`, `CREATE ROLE app PASSWORD '***'`],
    [`ALTER ROLE app PASSWORD $p$S3cr3t$p$ VALID UNTIL 'infinity'`, `ALTER ROLE app PASSWORD '***' VALID UNTIL 'infinity'`],
    [`CREATE USER x IDENTIFIED BY 'S3cr3t'`, `CREATE USER x IDENTIFIED BY ***`],
    [`ALTER USER x IDENTIFIED BY S3cr3t ACCOUNT UNLOCK`, `ALTER USER x IDENTIFIED BY *** ACCOUNT UNLOCK`],
    [`CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'S3cr3t')`, `CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '***')`],
    [`ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password 'S3cr3t')`, `ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password '***')`],
    [`SELECT dblink_connect('host=db user=app password=S3cr3t dbname=x')`, `SELECT dblink_connect('host=db user=app password=*** dbname=x')`],
    [`SELECT dblink_connect('host=db password=''S3 cr3t'' dbname=x')`, `SELECT dblink_connect('host=db password='***' dbname=x')`],
    [`SELECT * FROM dblink('postgresql://app:S3cr3t@db/x', 'select 1')`, `SELECT * FROM dblink('postgresql://app:***@db/x', 'select 1')`],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves Postgres error texts about passwords readable', () => {
    expect(redactSecrets('password authentication failed for user "app"')).toBe('password authentication failed for user "app"');
  });
});

describe('URL passwords', () => {
  it.each([
    ['postgres://app:p@ss@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['https://user:S3cr3t@proxy.internal:3128', 'https://user:***@proxy.internal:3128'],
    ['redis://default:a%40b@cache:6379', 'redis://default:***@cache:6379'],
  ])('masks %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

/** Every piece of `secret` still readable in `text`: 8+ character substrings, 4+ character edges. */
function revealed(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  for (let k = 4; k < 8; k++) {
    if (text.includes(secret.slice(0, k))) found.push(`prefix ${secret.slice(0, k)}`);
    if (text.includes(secret.slice(-k))) found.push(`suffix ${secret.slice(-k)}`);
  }
  return found;
}
