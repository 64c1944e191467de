import { fail, warn, type CheckOutcome, type Finding } from '../../engine/check.js';
import { HttpFailure, type HttpClient, type HttpReply } from './vendor-api-client.js';
import { AUTH_REJECTED, CLIENT_ERROR, NOT_FOUND, OVERLOADED, RATE_LIMITED, RATE_LIMIT_LOW, SERVER_ERROR } from './messages.js';

/**
 * The one status-code mapping of the vector-store and LLM checks:
 * 401/403 fail "API key rejected"; 404 fail (what was not found); 429 warn with the provider's
 * retry-after; 5xx and 529 (Anthropic "overloaded") fail; other 4xx fail with the provider's message.
 * A rate limit is a `warn`: the dependency works, this instance is just asking too often.
 */
export interface StatusPolicy {
  /** What a 404 means for this request ("collection \"docs\" not found"). */
  notFound?: string;
  /** Vendor-specific auth failures that do not use 401/403 (Gemini answers 400 `API_KEY_INVALID`). */
  isAuthError?: (reply: HttpReply, body: unknown) => boolean;
  /** Texts for statuses with a vendor-specific meaning (Chroma's 410 for the removed v1 API). */
  statusTexts?: Readonly<Record<number, string>>;
}

/** Throws the mapped outcome (as `HttpFailure`) unless the reply is 2xx. */
export function expectOk(client: HttpClient, reply: HttpReply, policy: StatusPolicy = {}): void {
  const outcome = statusOutcome(client, reply, policy);
  if (outcome) throw new HttpFailure(outcome);
}

/** The outcome for a non-2xx reply, or `undefined` for a 2xx one. */
export function statusOutcome(client: HttpClient, reply: HttpReply, policy: StatusPolicy = {}): CheckOutcome | undefined {
  const { status } = reply;
  if (status >= 200 && status < 300) return undefined;
  const body = client.tryJson(reply);
  const detail = errorDetail(client, body);
  const extra = { observedValue: status, observedUnit: 'http status' };
  const special = policy.statusTexts?.[status];
  if (special) return fail(detail ? `${special}: ${detail}` : special, extra);
  if (status === 401 || status === 403 || policy.isAuthError?.(reply, body)) {
    return fail(AUTH_REJECTED(client.vendor, status, detail), extra);
  }
  if (status === 404) return fail(NOT_FOUND(policy.notFound ?? `${reply.what} not found`, status, detail), extra);
  if (status === 429) {
    const retryAfter = retryAfterSeconds(reply.headers, body);
    return warn(RATE_LIMITED(client.vendor, status, retryAfter, detail), {
      ...extra,
      ...(retryAfter === undefined ? {} : { measurements: { retryAfterSeconds: retryAfter } }),
    });
  }
  if (status === 529) return fail(OVERLOADED(client.vendor, status, detail), extra);
  if (status >= 500) return fail(SERVER_ERROR(client.vendor, status, detail), extra);
  return fail(CLIENT_ERROR(client.vendor, reply.what, status, detail), extra);
}

const MAX_DETAIL = 200;

/**
 * The provider's own error message, from the error shapes the vendors document, redacted and
 * shortened. Never the raw body: providers echo keys back ("Incorrect API key provided: sk-...").
 */
export function errorDetail(client: HttpClient, body: unknown): string {
  const message = findMessage(body);
  if (!message) return '';
  const oneLine = client.redact(message.replace(/\s+/g, ' ').trim());
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL - 1)}…` : oneLine;
}

function findMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (!isRecord(body)) return undefined;
  // OpenAI/Azure/Gemini/Pinecone {error:{message}}, Anthropic {type:'error',error:{type,message}},
  // Weaviate {error:[{message}]}, Ollama {error:"..."}, Qdrant {status:{error}}, Chroma/Milvus {error?, message}.
  const error = body.error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (Array.isArray(error) && isRecord(error[0]) && typeof error[0].message === 'string') return error[0].message;
  if (isRecord(body.status) && typeof body.status.error === 'string') return body.status.error;
  if (typeof body.message === 'string') return typeof error === 'string' ? `${error}: ${body.message}` : body.message;
  if (typeof error === 'string') return error;
  if (typeof body.detail === 'string') return body.detail;
  return undefined;
}

/**
 * Seconds to wait before asking again: `retry-after-ms` (OpenAI, Azure), `retry-after` as seconds or
 * an HTTP date (Anthropic, OpenAI), or Google's `RetryInfo.retryDelay` ("37s") in the error body.
 */
export function retryAfterSeconds(headers: Headers, body?: unknown): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return roundSeconds(ms / 1000);
  const header = headers.get('retry-after');
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return roundSeconds(seconds);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return roundSeconds(Math.max(0, (date - Date.now()) / 1000));
  }
  const details = isRecord(body) && isRecord(body.error) ? body.error.details : undefined;
  if (Array.isArray(details)) {
    for (const item of details) {
      const delay = isRecord(item) && typeof item.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(item.retryDelay) : null;
      if (delay) return roundSeconds(Number(delay[1]));
    }
  }
  return undefined;
}

const RATE_LIMIT_HEADERS = [
  { kind: 'requests', key: 'Requests', remaining: 'x-ratelimit-remaining-requests', limit: 'x-ratelimit-limit-requests' },
  { kind: 'tokens', key: 'Tokens', remaining: 'x-ratelimit-remaining-tokens', limit: 'x-ratelimit-limit-tokens' },
  { kind: 'requests', key: 'Requests', remaining: 'anthropic-ratelimit-requests-remaining', limit: 'anthropic-ratelimit-requests-limit' },
  { kind: 'tokens', key: 'Tokens', remaining: 'anthropic-ratelimit-tokens-remaining', limit: 'anthropic-ratelimit-tokens-limit' },
] as const;

/**
 * Rate-limit headroom from the response headers (OpenAI-style `x-ratelimit-*`, Anthropic's
 * `anthropic-ratelimit-*`): a `warn` finding when remaining/limit falls under `minRemainingRatio`.
 */
export function rateLimitFindings(
  headers: Headers,
  minRemainingRatio: number,
): { findings: Finding[]; measurements: Record<string, number> } {
  const findings: Finding[] = [];
  const measurements: Record<string, number> = {};
  for (const pair of RATE_LIMIT_HEADERS) {
    const remaining = Number(headers.get(pair.remaining) ?? NaN);
    const limit = Number(headers.get(pair.limit) ?? NaN);
    if (!Number.isFinite(remaining) || !Number.isFinite(limit) || limit <= 0) continue;
    measurements[`rateLimitRemaining${pair.key}`] = remaining;
    measurements[`rateLimitLimit${pair.key}`] = limit;
    if (remaining / limit < minRemainingRatio) findings.push({ status: 'warn', message: RATE_LIMIT_LOW(pair.kind, remaining, limit) });
  }
  return { findings, measurements };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function roundSeconds(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
