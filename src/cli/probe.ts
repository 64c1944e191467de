// Node built-ins and the dependency-free redactor only: this runs inside HEALTHCHECK every few
// seconds, so it must start in milliseconds and must never load Nest or a driver.
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { describeError, redactSecrets } from '../engine/redact.js';
import {
  BAD_TIMEOUT,
  BAD_URL,
  BODY_TOO_LARGE,
  CONNECTION_REFUSED,
  CONNECTION_RESET,
  DEFAULT_TIMEOUT_MS,
  HEALTHY,
  HOST_NOT_FOUND,
  MAX_BODY_BYTES,
  NO_STATUS,
  NOT_JSON,
  REQUEST_FAILED,
  TIMED_OUT,
  UNHEALTHY_STATUS,
  UNKNOWN_STATUS,
} from './messages.js';

/** Options of {@link probe}. */
export interface ProbeOptions {
  /**
   * Deadline for the whole exchange (connect, headers and body). On expiry the socket is destroyed.
   * @default 2000
   */
  timeoutMs?: number;
}

/** What one probe concluded. */
export interface ProbeResult {
  /** `true` for a 2xx answer whose body `status` is healthy (see {@link isHealthyStatus}). */
  healthy: boolean;
  /** One line saying why, with credentials masked. */
  line: string;
}

/**
 * Body statuses that mean "serve traffic", compared case-insensitively.
 * `pass`/`warn` are draft-inadarei-api-health-check; `ok` and `up` are its documented aliases of
 * `pass` (@nestjs/terminus and Spring Boot); `healthy`/`degraded` are ASP.NET Core's, whose
 * `Degraded` also answers 200. A degraded service still serves, so restarting it would only hurt.
 */
const HEALTHY_STATUSES = new Set(['pass', 'ok', 'up', 'healthy', 'warn', 'degraded']);

/** Body statuses that are known and unhealthy (the rest are reported as unknown, also unhealthy). */
const UNHEALTHY_STATUSES = new Set(['fail', 'error', 'down', 'unhealthy', 'shutting_down', 'out_of_service']);

/**
 * Whether a body `status` value counts as healthy.
 * @example isHealthyStatus('warn') // true
 */
export function isHealthyStatus(status: string): boolean {
  return HEALTHY_STATUSES.has(status.toLowerCase());
}

/**
 * Parses a `--timeout` value; `undefined` for anything that is not a whole number in 1..600000.
 * @example parseTimeout('2000') // 2000
 */
export function parseTimeout(value: string): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const ms = Number(value);
  return ms >= 1 && ms <= 600_000 ? ms : undefined;
}

/**
 * Parses a probe target: an absolute http(s) URL, or a {@link TypeError} saying what is wrong
 * (with any credential in the text masked).
 * @example parseProbeUrl('http://127.0.0.1:3000/health/live')
 */
export function parseProbeUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(BAD_URL(redactSecrets(text)));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(BAD_URL(redactSecrets(text)));
  return url;
}

/**
 * Asks a health endpoint once and says whether it is healthy. Never throws for an unhealthy
 * target: refused connections, timeouts, non-2xx answers and bad bodies all resolve with
 * `healthy: false`. Throws a {@link TypeError} only for a bad URL or timeout (a usage error).
 * Credentials in the URL are sent (as Basic auth) but never printed.
 *
 * @example
 * const { healthy, line } = await probe('http://127.0.0.1:3000/health/live', { timeoutMs: 2000 });
 * // healthy === true, line === 'healthy: 200 pass http://127.0.0.1:3000/health/live (4 ms)'
 */
export function probe(target: string | URL, options: ProbeOptions = {}): Promise<ProbeResult> {
  const url = typeof target === 'string' ? parseProbeUrl(target) : target;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError(BAD_TIMEOUT(String(timeoutMs)));

  // The user name stays visible (it helps debugging) unless it is the only credential (a token).
  const credential = url.password || url.username;
  const secrets = credential ? withDecoded(credential) : [];
  const shown = redactSecrets(url.href, secrets);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Nothing may keep the event loop alive once the verdict is known.
      request.destroy();
      resolve(result);
    };

    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      // No keep-alive agent: one request, then the socket goes away and the process can exit.
      agent: false,
      headers: {
        accept: 'application/health+json, application/json;q=0.9, */*;q=0.1',
        connection: 'close',
        'user-agent': 'nestjs-deep-health-probe',
      },
    });

    const timer = setTimeout(() => finish({ healthy: false, line: TIMED_OUT(timeoutMs, shown) }), timeoutMs);

    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ healthy: false, line: describeFailure(error, shown, elapsed(), secrets) });
    });

    request.on('response', (response) => {
      const code = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish({ healthy: false, line: BODY_TOO_LARGE(code, shown, elapsed()) });
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => {
        finish({ healthy: false, line: describeFailure(error, shown, elapsed(), secrets) });
      });
      response.on('close', () => {
        if (!response.complete) finish({ healthy: false, line: CONNECTION_RESET(shown, elapsed()) });
      });
      response.on('end', () => {
        finish(judge(code, Buffer.concat(chunks).toString('utf8'), shown, elapsed(), secrets));
      });
    });

    request.end();
  });
}

/** A URL credential as written and as decoded, so neither spelling can leak. */
function withDecoded(part: string): string[] {
  try {
    return [part, decodeURIComponent(part)];
  } catch {
    return [part];
  }
}

/** The verdict on a complete answer. */
function judge(code: number, text: string, shown: string, ms: number, secrets: readonly string[]): ProbeResult {
  const body = parseBody(text);
  const status = typeof body?.status === 'string' ? body.status : undefined;
  const success = code >= 200 && code < 300;

  if (!success) {
    const output = typeof body?.output === 'string' ? oneLine(body.output, secrets) : undefined;
    return { healthy: false, line: UNHEALTHY_STATUS(code, status && oneLine(status, secrets), shown, ms, output) };
  }
  if (body === undefined) return { healthy: false, line: NOT_JSON(code, shown, ms) };
  if (status === undefined) return { healthy: false, line: NO_STATUS(code, shown, ms) };

  const safeStatus = oneLine(status, secrets);
  if (isHealthyStatus(status)) return { healthy: true, line: HEALTHY(code, safeStatus, shown, ms) };
  if (UNHEALTHY_STATUSES.has(status.toLowerCase())) {
    const output = typeof body.output === 'string' ? oneLine(body.output, secrets) : undefined;
    return { healthy: false, line: UNHEALTHY_STATUS(code, safeStatus, shown, ms, output) };
  }
  return { healthy: false, line: UNKNOWN_STATUS(code, safeStatus, shown, ms) };
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Server-supplied text, made safe for a single log line. */
function oneLine(text: string, secrets: readonly string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return redactSecrets(flat.length > 200 ? `${flat.slice(0, 199)}…` : flat, secrets);
}

/**
 * Node's own errors fail `instanceof Error` when the probe runs in another realm (jest's vm
 * context), which describeError would report as "unknown error"; copy message and code across.
 */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const { message, code } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
  return Object.assign(new Error(String(message ?? error)), { code });
}

function describeFailure(error: NodeJS.ErrnoException, shown: string, ms: number, secrets: readonly string[]): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return CONNECTION_REFUSED(shown, ms);
    case 'ECONNRESET':
    case 'EPIPE':
      return CONNECTION_RESET(shown, ms);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return HOST_NOT_FOUND(shown, ms);
    default:
      return REQUEST_FAILED(describeError(asError(error), secrets), shown, ms);
  }
}
