import { fail, type CheckContext, type CheckOutcome } from '../../engine/check.js';
import { describeError, redactSecrets } from '../../engine/redact.js';
import { BODY_TOO_LARGE, MALFORMED_JSON, NETWORK_REASONS, REDIRECTED, UNREACHABLE } from './messages.js';

/**
 * The one place that talks HTTP for the vector-store and LLM checks: Node's own `fetch`, the run's
 * `AbortSignal`, bodies always read to the end or cancelled (so undici can reuse or close the
 * socket), no redirects (a custom auth header such as `api-key` would follow one to another host),
 * and only secret-free texts in failures.
 */

/** What one request answered. The body has been read in full; nothing is left open. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** `METHOD /path` (never the query string), for messages. */
  readonly what: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  /** Path joined to the client's base URL, or an absolute URL (e.g. a per-index host). */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpClientOptions {
  /** Vendor name for messages: `Qdrant`, `OpenAI`... */
  vendor: string;
  baseUrl: string;
  headers?: Record<string, string | undefined>;
  /** Values to scrub from every text this client produces. */
  secrets?: readonly (string | undefined)[];
  /** Bodies larger than this are cancelled and reported. @default 8 MiB */
  maxBodyBytes?: number;
}

/** An expected failure carrying the outcome to report (unreachable, malformed JSON, HTTP error...). */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(readonly outcome: CheckOutcome) {
    super(outcome.output ?? outcome.status);
  }
}

/** Throws an expected failure from deep inside a check; `guardHttp` turns it into the outcome. */
export function failWith(output: string, extra: Omit<CheckOutcome, 'status' | 'output'> = {}): never {
  throw new HttpFailure(fail(output, extra));
}

/**
 * Wraps a check's `run` so expected failures (`HttpFailure`) become returned outcomes, while an
 * abort (timeout) propagates for the engine to report as a timeout.
 */
export function guardHttp(run: (context: CheckContext) => Promise<CheckOutcome>): (context: CheckContext) => Promise<CheckOutcome> {
  return async (context) => {
    try {
      return await run(context);
    } catch (error) {
      if (error instanceof HttpFailure && !context.signal.aborted) return error.outcome;
      throw error;
    }
  };
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export class HttpClient {
  readonly vendor: string;
  readonly secrets: readonly string[];
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly maxBodyBytes: number;

  constructor(options: HttpClientOptions) {
    this.vendor = options.vendor;
    const { url, credentials } = splitCredentials(options.baseUrl);
    this.base = url;
    this.headers = { accept: 'application/json' };
    // fetch refuses URLs with credentials (and echoes the URL in its error); send them as Basic auth.
    if (credentials) this.headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) this.headers[name.toLowerCase()] = value;
    }
    this.secrets = [...(options.secrets ?? []), ...urlSecrets(options.baseUrl)].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** `scheme://host[:port]` of the base URL, without credentials: safe to show. */
  get origin(): string {
    return this.base.origin;
  }

  get protocol(): string {
    return this.base.protocol;
  }

  /** Sends one request and reads its body in full. Throws `HttpFailure` when the server cannot be reached. */
  async request(request: HttpRequest, signal: AbortSignal): Promise<HttpReply> {
    const target = /^https?:\/\//i.test(request.path) ? splitCredentials(request.path).url : joinUrl(this.base, request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const method = request.method ?? 'GET';
    const what = `${method} ${target.pathname}`;
    const headers: Record<string, string> = { ...this.headers, ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new HttpFailure(fail(UNREACHABLE(this.vendor, target.origin, this.networkReason(error))));
    }
    const text = await this.readBody(response, what, signal);
    if (response.status >= 300 && response.status < 400) throw new HttpFailure(fail(REDIRECTED(this.vendor, what, response.status)));
    return { status: response.status, headers: response.headers, text, what };
  }

  /** Parses a reply as JSON, or fails with a clear "malformed JSON" outcome. */
  json(reply: HttpReply): unknown {
    try {
      return JSON.parse(reply.text);
    } catch {
      throw new HttpFailure(fail(MALFORMED_JSON(this.vendor, reply.what, reply.status)));
    }
  }

  /** Like `json`, but `undefined` instead of a failure (for error bodies, which may be HTML or empty). */
  tryJson(reply: HttpReply): unknown {
    try {
      return reply.text ? JSON.parse(reply.text) : undefined;
    } catch {
      return undefined;
    }
  }

  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  private async readBody(response: Response, what: string, signal: AbortSignal): Promise<string> {
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > this.maxBodyBytes) {
          await reader.cancel().catch(() => undefined);
          throw new HttpFailure(fail(BODY_TOO_LARGE(this.vendor, what, this.maxBodyBytes)));
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof HttpFailure || signal.aborted) throw error;
      throw new HttpFailure(fail(UNREACHABLE(this.vendor, this.base.origin, this.networkReason(error))));
    } finally {
      reader.releaseLock();
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private networkReason(error: unknown): string {
    // undici wraps the socket error: TypeError('fetch failed', { cause: Error{ code } | AggregateError }).
    // Duck-typed on purpose: errors from Node internals may come from another realm (jest's vm).
    let current: unknown = error;
    let message = '';
    for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
      const { code, errors, cause, message: text } = current as { code?: unknown; errors?: unknown; cause?: unknown; message?: unknown };
      if (typeof code === 'string' && NETWORK_REASONS[code]) return NETWORK_REASONS[code]!;
      const inner = Array.isArray(errors) ? errors.map((e: { code?: unknown }) => e?.code).find((c) => typeof c === 'string' && NETWORK_REASONS[c]) : undefined;
      if (typeof inner === 'string') return NETWORK_REASONS[inner]!;
      if (typeof text === 'string' && text) message = typeof code === 'string' ? `${code}: ${text}` : text;
      current = cause;
    }
    return redactSecrets(message.split('\n')[0]!.slice(0, 300) || describeError(error, this.secrets), this.secrets);
  }
}

/**
 * Joins a base URL (which may carry a path such as `/v1`) and a path, keeping exactly one slash
 * between them: `https://api.openai.com/v1` + `/models` = `https://api.openai.com/v1/models`.
 */
export function joinUrl(base: string | URL, path: string): URL {
  const url = new URL(typeof base === 'string' ? base : base.href);
  const basePath = url.pathname.replace(/\/+$/, '');
  const [pathPart, query] = path.split('?', 2) as [string, string | undefined];
  url.pathname = `${basePath}/${pathPart.replace(/^\/+/, '')}`;
  url.search = query ? `?${query}` : '';
  url.hash = '';
  return url;
}

/** Encodes one path segment (a collection, index or model name). */
export const segment = (value: string): string => encodeURIComponent(value);

/** Secret parts of a URL (user, password, query values) so they are scrubbed like an API key. */
export function urlSecrets(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const url = new URL(raw);
    const found = [decodeURIComponent(url.username), decodeURIComponent(url.password), url.username, url.password];
    for (const value of url.searchParams.values()) found.push(value);
    return found.filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}

/** A URL for messages: origin and path only (no credentials, no query). */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

function splitCredentials(raw: string): { url: URL; credentials?: string } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url, credentials };
}
