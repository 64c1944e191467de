/**
 * One place that scrubs secrets from any text the module emits (responses, logs, errors).
 * Known secret values are replaced wherever they appear; well-known secret shapes are masked
 * even when nobody registered them (credentials in URLs, bearer tokens, `key=` query params).
 */
const MASK = '***';

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s/@]*)@/gi;
const URL_USER_ONLY = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+)@/gi;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const SECRET_PARAMS =
  /((?:^|[?&;\s,"'{])(?:api[-_]?key|apikey|key|token|access[-_]?token|auth|password|passwd|pwd|secret|client[-_]?secret|x-api-key|x-goog-api-key|api-key)["']?\s*[=:]\s*["']?)([^\s&;,"'}]+)/gi;
const WELL_KNOWN_KEYS = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|pcsk_[A-Za-z0-9_]{10,})/g;

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 3) result = result.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && encoded.length >= 3) result = result.split(encoded).join(MASK);
  }
  return result
    .replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`)
    .replace(URL_USER_ONLY, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(BEARER, (_m, kind: string) => `${kind} ${MASK}`)
    .replace(SECRET_PARAMS, (_m, prefix: string) => `${prefix}${MASK}`)
    .replace(WELL_KNOWN_KEYS, MASK);
}

/**
 * A safe one-line description of anything thrown: its message (and the code of a system error),
 * with secrets removed. Never the stack, never the raw object.
 */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  try {
    return describeReadable(error, secrets);
  } catch {
    // A throwing `message` getter, a revoked Proxy: nothing of it can be read, so nothing leaks.
    return 'unreadable error (reading it threw)';
  }
}

function describeReadable(error: unknown, secrets: readonly string[]): string {
  let text: string;
  // Duck-typed rather than `instanceof Error`: errors from another realm (vm contexts, jest) are errors too.
  if (isErrorLike(error)) {
    const code = typeof error.code === 'string' ? error.code : undefined;
    const message = error.message || error.name || 'error';
    text = code && !message.includes(code) ? `${code}: ${message}` : message;
    if (!error.message && Array.isArray(error.errors) && error.errors.length > 0) {
      text = error.errors.map((e) => describeError(e, secrets)).join('; ');
    }
  } else if (typeof error === 'string') {
    text = error;
  } else {
    text = 'unknown error';
  }
  // Redact before cutting: a cut through a secret would leave a prefix no pattern recognises.
  return redactSecrets(text.split('\n')[0]!, secrets).slice(0, 500);
}

function isErrorLike(value: unknown): value is { message: string; name?: string; code?: unknown; errors?: unknown[] } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
