/**
 * How the maintenance routes take a request body, the same on Express, Fastify and the standalone
 * server: only `application/json` in UTF-8, at most {@link MAX_BODY_BYTES}, and whatever goes wrong
 * (too large, broken JSON, unreadable) is handed to the request handler as a {@link BodyIntake}
 * problem, so the answer is the module's own JSON, never the adapter's.
 */
import type { IncomingMessage } from 'node:http';

/** The largest body a maintenance request may have (the PUT body is a few hundred bytes). */
export const MAX_BODY_BYTES = 16 * 1024;
/**
 * How much of an oversized body is read and thrown away so that the 413 reaches the client: a
 * server that closes while the client still sends resets the connection, and the client sees no
 * answer at all. Beyond this the connection is cut.
 */
export const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/** What became of a request's body before the handler saw it. */
export type BodyIntake = { value: unknown } | { problem: BodyProblem };
export type BodyProblem = 'too-large' | 'invalid-json' | 'unreadable';

/**
 * Why a Content-Type is refused (415), or `undefined` for `application/json` with no charset or
 * `charset=utf-8` (any case, quoted or not). `undefined` header: refused (a body needs a type).
 */
export function unsupportedContentType(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.trim() === '') return 'no Content-Type: send Content-Type: application/json';
  const [type, ...params] = header.split(';').map((part) => part.trim());
  if (type!.toLowerCase() !== 'application/json') return `Content-Type ${JSON.stringify(header.slice(0, 100))} is not supported: send application/json`;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = param.slice(0, eq < 0 ? undefined : eq).trim().toLowerCase();
    const value = eq < 0 ? '' : param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') return `charset ${JSON.stringify(value.slice(0, 40))} is not supported: send UTF-8 (charset=utf-8)`;
  }
  return undefined;
}

/**
 * Reads and parses a JSON body from a Node request (standalone server, Express before its body
 * parser). An oversized body is read to its end and discarded (up to {@link MAX_DISCARDED_BYTES})
 * so the client receives the 413.
 */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyIntake> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    const finish = (intake: BodyIntake) => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      resolve(intake);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (size > MAX_DISCARDED_BYTES) {
        // Enough of it: the answer goes out and the connection is cut.
        req.pause();
        return finish({ problem: 'too-large' });
      }
      if (!tooLarge) chunks.push(chunk);
    };
    const onEnd = () => finish(tooLarge ? { problem: 'too-large' } : parseJson(Buffer.concat(chunks)));
    const onError = () => finish({ problem: tooLarge ? 'too-large' : 'unreadable' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

/**
 * Reads what is left of a request and throws it away (bounded), then resolves: called before an
 * adapter answers a body it refused, so the client is still reading when the answer comes.
 */
export function discardBody(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let size = 0;
    const done = () => {
      req.removeListener('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DISCARDED_BYTES) {
        req.pause();
        done();
      }
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}

/** Strict UTF-8 then JSON: a body that is not both is `invalid-json`. An empty body has no value. */
export function parseJson(bytes: Buffer | string): BodyIntake {
  try {
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.trim() === '' ? { value: undefined } : { value: JSON.parse(text) };
  } catch {
    return { problem: 'invalid-json' };
  }
}

/**
 * The problem behind an error Fastify raised while reading a body (its content-type parser and
 * body limit run before the route handler), or `undefined` for any other error.
 */
export function fastifyBodyProblem(error: unknown): BodyProblem | 'unsupported-type' | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'too-large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return 'unsupported-type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'invalid-json';
  }
  // secure-json-parse throws a SyntaxError (Fastify gives it statusCode 400), and a forbidden
  // `__proto__` / `constructor` key is refused the same way.
  if (error instanceof SyntaxError || (statusCode === 400 && typeof code !== 'string')) return 'invalid-json';
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) return 'unreadable';
  return undefined;
}
