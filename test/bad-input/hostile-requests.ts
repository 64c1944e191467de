/**
 * Generators of hostile requests for the health endpoints, driven by a seeded random source.
 * Every admin request made here is invalid BY CONSTRUCTION (wrong token, or a body/scope that
 * breaks at least one rule), so none of them may change the maintenance state.
 */
import type { Random } from './seeded-random';

export const ADMIN_TOKEN = 'bad-input-admin-token-0123456789';
export const VALID_AUTH = `Bearer ${ADMIN_TOKEN}`;

/** Every GET endpoint of the module, with a check name that exists. */
export const HEALTH_GETS = [
  '/health',
  '/health/live',
  '/health/startup',
  '/health/ready',
  '/health/deep',
  '/health/checks/db',
  '/health/checks/llm',
  '/health/maintenance',
  '/health/metrics',
] as const;

const UNRESERVED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~';
const QUERY_PIECES = ['__proto__', 'constructor', 'prototype', '[]', '[0]', '[a][b]', '=', '&', '%00', '%25', '%2F..%2F', '%E2%9C%93', '%FF%FE', '..', 'scope', 'details'];

/** A percent-encoding of random bytes: any byte value, always a well-formed URL. */
function encodedBytes(random: Random, length: number): string {
  return [...random.bytes(length)].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

/** A query string of junk: prototype keys, brackets, encoded bytes and unicode, sometimes very long. */
export function randomQuery(random: Random): string {
  const parts: string[] = [];
  const count = random.int(1, 12);
  for (let i = 0; i < count; i++) {
    const key = random.bool(0.4) ? random.pick(QUERY_PIECES) : random.string(random.int(1, 12), UNRESERVED);
    const value = random.bool(0.5) ? encodedBytes(random, random.int(0, 16)) : random.string(random.int(0, 20), UNRESERVED);
    parts.push(random.bool(0.1) ? key : `${key}=${value}`);
  }
  if (random.bool(0.1)) parts.push(`long=${random.string(random.int(1000, 6000), UNRESERVED)}`);
  return `?${parts.join(random.bool(0.9) ? '&' : ';')}`;
}

/** A check name that does not exist, as a path segment: encoded bytes, traversal, unicode, or very long. */
export function randomCheckSegment(random: Random): { segment: string; kind: 'unknown' | 'long' } {
  switch (random.int(0, 5)) {
    case 0:
      return { segment: encodedBytes(random, random.int(1, 24)), kind: 'unknown' };
    case 1:
      return { segment: `..%2F${random.string(random.int(1, 10), UNRESERVED)}%2F..%2Fetc%2Fpasswd`, kind: 'unknown' };
    case 2:
      return { segment: encodeURIComponent(random.string(random.int(1, 20), 'äöü✓名字🙂\u202e\u0000\u00a0')), kind: 'unknown' };
    case 3:
      return { segment: `zz${random.string(random.int(5000, 10000), UNRESERVED)}`, kind: 'long' };
    case 4:
      return { segment: `%00${random.string(random.int(0, 8), UNRESERVED)}`, kind: 'unknown' };
    default:
      return { segment: `zz-${random.string(random.int(1, 40), UNRESERVED)}`, kind: 'unknown' };
  }
}

/** An Authorization value that is never `Bearer <token>`. */
export function hostileAuthorization(random: Random): Buffer {
  const token = ADMIN_TOKEN;
  const options: Array<() => string | Buffer> = [
    () => `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`,
    () => `Basic ${token}`,
    () => 'Bearer',
    () => 'Bearer ',
    () => `Bearer ${token}x`,
    () => `Bearer ${token.slice(0, -1)}`,
    () => `Bearer ${token.toUpperCase()}`,
    () => `Bearer\t${token}`,
    () => `Bearer ${token} ${token}`,
    () => `Token ${token}`,
    () => `Digest username="admin", response="${token}"`,
    () => `${token}`,
    () => Buffer.from(`Bearer ${token.slice(0, 10)}ö✓名${token.slice(10)}`, 'utf8'),
    () => Buffer.from(`Bearer ${random.string(random.int(1, 40), 'äöüß✓名字🙂')}`, 'utf8'),
    () => Buffer.from([0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, ...random.bytes(random.int(1, 64)).map((b) => (b < 0x20 || b === 0x7f ? 0x80 | b : b))]),
    () => `Bearer ${random.string(random.int(8000, 12000), UNRESERVED)}`,
    () => `Bearer ${random.string(random.int(1, 64), UNRESERVED)}`,
  ];
  const value = random.pick(options)();
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1');
}

/**
 * A random extra header. `parserRejects` says whether Node's HTTP parser refuses the request
 * before any framework code runs (a control byte in a value).
 */
export function randomHeader(random: Random): { header: [string, Buffer]; parserRejects: boolean } {
  const name = `X-${random.string(random.int(1, 30), 'abcdefghijklmnopqrstuvwxyz0123456789-_')}`;
  let bytes: Buffer;
  switch (random.int(0, 3)) {
    case 0:
      bytes = Buffer.from(random.string(random.int(0, 12000), UNRESERVED));
      break;
    case 1:
      bytes = Buffer.from(random.string(random.int(1, 200), 'äöüß✓名字🙂 "\'<>{}\\'), 'utf8');
      break;
    case 2:
      // Any byte but CR/LF (which would end the header line, not test a value).
      bytes = Buffer.from([...random.bytes(random.int(1, 64))].filter((b) => b !== 0x0d && b !== 0x0a));
      break;
    default:
      bytes = Buffer.from(`${random.string(random.int(1, 20), UNRESERVED)}\u0000${random.string(4, UNRESERVED)}`, 'latin1');
  }
  // llhttp accepts HTAB, visible ASCII and obs-text (0x80-0xFF) in a value; any other control byte is refused.
  const parserRejects = [...bytes].some((b) => (b < 0x20 && b !== 0x09) || b === 0x7f);
  return { header: [name, bytes], parserRejects };
}

/** Methods that no health path serves, with what must happen. */
export const UNSERVED_METHODS = ['POST', 'PATCH', 'TRACE', 'OPTIONS', 'PROPFIND', 'LINK', 'PURGE'] as const;

/** A body for PUT /health/maintenance that breaks at least one rule (or is not JSON at all). */
export function invalidMaintenanceBody(random: Random): { contentType?: string; body: string | Buffer; why: string } {
  const json = 'application/json';
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const breakers: Array<() => { body: Record<string, unknown> | unknown; why: string }> = [
    () => ({ body: { reason: random.pick([5, true, null, [], {}, ['x']]) }, why: 'reason not a string' }),
    () => ({ body: { reason: random.pick(['', '   ', '\t']) }, why: 'empty reason' }),
    () => ({ body: { reason: 'x'.repeat(random.int(201, 5000)) }, why: 'reason too long' }),
    () => ({ body: { reason: `line${random.pick(['\n', '\r', '\u0000', '\u001b[31m', '\u007f', '\u0085'])}forged` }, why: 'control character in reason' }),
    () => ({ body: { reason: 'ok', [random.pick(['__proto__', 'constructor', 'enabled', 'since', `x${random.int(0, 999)}`])]: { enabled: true } }, why: 'unknown field' }),
    () => ({ body: { reason: 'ok', until: random.pick(['tomorrow', '2020-01-01T00:00:00Z', '', 'NaN', '9999-99-99', 12]) }, why: 'bad until' }),
    () => ({ body: { reason: 'ok', until: new Date(Date.now() + 400 * 86_400_000).toISOString() }, why: 'until too far' }),
    () => ({ body: { reason: 'ok', until: future, durationSeconds: 60 }, why: 'until and durationSeconds' }),
    () => ({ body: { reason: 'ok', durationSeconds: random.pick([0, -1, 1e12, '60', null, [60]]) }, why: 'bad durationSeconds' }),
    () => ({ body: { reason: 'ok', scope: random.pick(['fleet', 'galaxy', 'INSTANCE', '', 1, ['instance']]) }, why: 'bad scope' }),
    () => ({ body: { reason: 'ok', readOnly: random.pick(['yes', 1, 0, 'true', null]) }, why: 'bad readOnly' }),
    () => ({ body: random.pick([[], [{ reason: 'ok' }], 'reason', 42, null, true]), why: 'not an object' }),
  ];
  const kind = random.int(0, 9);
  if (kind <= 4) {
    const { body, why } = random.pick(breakers)();
    return { contentType: random.pick([json, `${json}; charset=utf-8`]), body: JSON.stringify(body), why };
  }
  switch (kind) {
    case 5: {
      const text = JSON.stringify({ reason: 'ok', durationSeconds: 60 });
      return { contentType: json, body: text.slice(0, random.int(0, text.length - 1)), why: 'truncated JSON' };
    }
    case 6:
      return { contentType: random.pick([json, 'text/plain', undefined]), body: random.bytes(random.int(1, 2000)), why: 'random bytes' };
    case 7: {
      const depth = random.int(1000, 20000);
      return { contentType: json, body: `${'['.repeat(depth)}${']'.repeat(depth)}`, why: `nested ${depth} deep` };
    }
    case 8:
      return { contentType: json, body: JSON.stringify({ reason: 'x'.repeat(random.int(200_000, 2_000_000)) }), why: 'huge body' };
    default:
      // Never a known field name, so a form parser (Express has one) still yields an invalid request.
      return {
        contentType: random.pick(['application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x']),
        body: `x${random.string(random.int(1, 10), UNRESERVED)}=${random.string(random.int(0, 10), UNRESERVED)}&reason=`,
        why: 'not JSON',
      };
  }
}

/** A `scope` for DELETE /health/maintenance that is never `instance` or `fleet` (fleet has no store here). */
export function invalidScopeQuery(random: Random): string {
  return random.pick([
    '?scope=fleet',
    '?scope=galaxy',
    '?scope=',
    '?scope=INSTANCE',
    '?scope=instance%00',
    '?scope=instance&scope=instance',
    `?scope=${encodeURIComponent(random.string(random.int(1, 30), 'äöü✓名'))}`,
    `?scope=${random.string(random.int(1, 3000), UNRESERVED)}`,
  ]);
}
