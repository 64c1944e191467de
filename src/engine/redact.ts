/**
 * The one place that scrubs secrets from any text the module emits: check results (and so every
 * response, the history, log lines, metrics and `onStatusChange` events, which are all made from
 * them), errors and log lines of its own.
 *
 * Two lines of defence:
 * - **Registered secrets** (passwords, API keys, the admin token) are masked whole, and so is any
 *   fragment of one that gives a part of it away: any substring of {@link FRAGMENT_LENGTH}+
 *   characters, and a prefix or suffix of {@link EDGE_LENGTH}+ characters next to a mask run
 *   (`k7Qx9Zr2****6sD1`, the partial echo providers put in their 401 bodies). A secret split across
 *   the string fields of one value is found across the field boundaries ({@link redactDeep}).
 * - **Secret shapes**, registered or not: credentials in URLs, `Bearer`/`Basic` values, `key=`-style
 *   parameters, well-known API key formats and masked echoes of them, and SQL that carries a
 *   secret (`PASSWORD '...'`, `IDENTIFIED BY ...`, `OPTIONS (password '...')`, libpq connection
 *   strings in `dblink`/`postgres_fdw`).
 */
const MASK = '***';

/** Any run of this many characters of a registered secret is masked wherever it appears. */
export const FRAGMENT_LENGTH = 8;
/** A registered secret's first or last characters, this many or more, are masked next to a mask run. */
export const EDGE_LENGTH = 4;
/** Registered secrets shorter than this are not looked for (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 3;

/** What providers put in place of the hidden middle of a key: `****`, `•••`, `...`, `…`. */
const MASK_RUN = /\*{3,}|•{3,}|\.{3,}|…/g;
/** A masked echo of a key nobody registered: word characters joined to a run of `*` or `•`. */
const MASKED_ECHO = /[A-Za-z0-9_-]+(?:\*{3,}|•{3,})[A-Za-z0-9_-]*|(?:\*{3,}|•{3,})[A-Za-z0-9_-]+/g;

// The password of a URL runs to the authority's last `@` (an unencoded `@` in a password is common).
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s/]*)@/gi;
const URL_USER_ONLY = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+)@/gi;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const SECRET_PARAMS =
  /((?:^|[?&;\s,"'{(])(?:api[-_]?key|apikey|key|token|access[-_]?token|auth|password|passwd|pwd|secret|client[-_]?secret|x-api-key|x-goog-api-key|api-key)["']?\s*[=:]\s*["']?)([^\s&;,"'})]+)/gi;
const WELL_KNOWN_KEYS = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|pcsk_[A-Za-z0-9_]{10,})/g;

/** An SQL string literal (also cut short, as `pg_stat_activity` truncates), dollar-quoted text, or a quoted identifier. */
const SQL_LITERAL = String.raw`(?:E?'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]\w*)?\$[\s\S]*?(?:\$\2\$|$)|"(?:[^"]|"")*(?:"|$))`;
/** `PASSWORD '...'` (CREATE/ALTER ROLE|USER, `OPTIONS (password '...')` of a USER MAPPING, `sslpassword`). */
const SQL_PASSWORD = new RegExp(String.raw`\b((?:ssl)?password\s+)${SQL_LITERAL}`, 'gi');
/** `IDENTIFIED BY [PASSWORD] <secret>` (MySQL, Oracle), quoted or not. */
const SQL_IDENTIFIED_BY = new RegExp(String.raw`\b(identified\s+by\s+(?:password\s+)?)(?:${SQL_LITERAL}|[^\s,;)]+)`, 'gi');
/** A quoted value in a libpq connection string: `dblink_connect('... password=''x y'' ...')`, `password='x y'`. */
const CONNINFO_QUOTED = /\b((?:ssl)?password\s*=\s*)(?:''(?:[^']|'(?!'))*(?:''|$)|'(?:[^'\\]|\\.)*(?:'|$))/gi;

/**
 * `text` with every registered secret (and every revealing fragment of one) and every secret
 * shape masked.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  const registered = registeredForms(secrets);
  const result = registered.length > 0 ? maskCovered(text, cover(text, registered)) : text;
  return redactShapes(result);
}

/** The shape rules alone (no registered secrets): URLs, tokens, key parameters, SQL. */
function redactShapes(text: string): string {
  return text
    .replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`)
    .replace(URL_USER_ONLY, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(BEARER, (_m, kind: string) => `${kind} ${MASK}`)
    .replace(CONNINFO_QUOTED, (_m, prefix: string) => `${prefix}'${MASK}'`)
    .replace(SQL_PASSWORD, (_m, prefix: string) => `${prefix}'${MASK}'`)
    .replace(SQL_IDENTIFIED_BY, (_m, prefix: string) => `${prefix}${MASK}`)
    .replace(SECRET_PARAMS, (_m, prefix: string) => `${prefix}${MASK}`)
    .replace(WELL_KNOWN_KEYS, MASK)
    .replace(MASKED_ECHO, MASK);
}

/** Each secret as given and URL-encoded (how it appears in a URL or a form body), long enough to look for. */
function registeredForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) forms.add(encoded);
  }
  return [...forms];
}

/** Marks the characters of `text` that belong to a registered secret or a revealing fragment of one. */
function cover(text: string, secrets: readonly string[]): Uint8Array {
  const covered = new Uint8Array(text.length);
  for (const secret of secrets) {
    if (secret.length < FRAGMENT_LENGTH) {
      for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) covered.fill(1, at, at + secret.length);
    } else {
      const windows = fragmentsOf(secret);
      for (let i = 0; i + FRAGMENT_LENGTH <= text.length; i++) {
        if (windows.has(text.slice(i, i + FRAGMENT_LENGTH))) covered.fill(1, i, i + FRAGMENT_LENGTH);
      }
    }
    coverEdgesAtMaskRuns(text, secret, covered);
  }
  return covered;
}

const fragmentCache = new Map<string, Set<string>>();

/** Every substring of {@link FRAGMENT_LENGTH} characters of `secret` (cached: the same secrets are redacted on every run). */
function fragmentsOf(secret: string): Set<string> {
  let windows = fragmentCache.get(secret);
  if (!windows) {
    windows = new Set();
    for (let i = 0; i + FRAGMENT_LENGTH <= secret.length; i++) windows.add(secret.slice(i, i + FRAGMENT_LENGTH));
    if (fragmentCache.size > 256) fragmentCache.clear();
    fragmentCache.set(secret, windows);
  }
  return windows;
}

/** `k7Qx****6sD1`: the secret's prefix before a mask run, its suffix after one, and the run with them. */
function coverEdgesAtMaskRuns(text: string, secret: string, covered: Uint8Array): void {
  if (secret.length <= EDGE_LENGTH) return;
  for (const run of text.matchAll(MASK_RUN)) {
    const start = run.index;
    const end = start + run[0].length;
    let revealed = false;
    for (let k = Math.min(secret.length - 1, start); k >= EDGE_LENGTH; k--) {
      if (text.startsWith(secret.slice(0, k), start - k)) {
        covered.fill(1, start - k, start);
        revealed = true;
        break;
      }
    }
    for (let k = Math.min(secret.length - 1, text.length - end); k >= EDGE_LENGTH; k--) {
      if (text.startsWith(secret.slice(secret.length - k), end)) {
        covered.fill(1, end, end + k);
        revealed = true;
        break;
      }
    }
    if (revealed) covered.fill(1, start, end);
  }
}

/** `text` with each run of covered characters replaced by one mask. */
function maskCovered(text: string, covered: Uint8Array): string {
  if (!covered.includes(1)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += MASK;
  }
  return out;
}


/** Objects nested deeper than this are replaced by {@link TOO_DEEP}, never passed on unredacted. */
export const MAX_DEPTH = 8;
export const TOO_DEEP = '[nested too deep]';

/**
 * Redacts every string inside a JSON-like value (objects, arrays), leaving numbers and booleans.
 * For plain data (the engine makes a check's outcome plain with `toSafeJson` first).
 * A registered secret split across string fields (`{ keyStart: 'k7Qx9Zr2', keyEnd: '6sD1...' }`)
 * is found across the boundaries of neighbouring strings and masked in each part.
 */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  const redacted = redactLeaves(value, secrets, 0);
  const registered = registeredForms(secrets);
  if (registered.length === 0) return redacted;
  const leaves: string[] = [];
  collectLeaves(redacted, leaves, 0);
  if (leaves.length < 2) return redacted;
  const joined = leaves.join('');
  const covered = cover(joined, registered);
  if (!covered.includes(1)) return redacted;
  const masked: string[] = [];
  let offset = 0;
  for (const leaf of leaves) {
    masked.push(maskCovered(leaf, covered.subarray(offset, offset + leaf.length)));
    offset += leaf.length;
  }
  let next = 0;
  return mapLeaves(redacted, () => masked[next++]!, 0);
}

function redactLeaves<T>(value: T, secrets: readonly string[], depth: number): T {
  return mapLeaves(value, (leaf) => redactSecrets(leaf, secrets), depth);
}

/** `value` with every string replaced by `map(string)`, in a fixed traversal order. */
function mapLeaves<T>(value: T, map: (leaf: string) => string, depth: number): T {
  if (typeof value === 'string') return map(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return TOO_DEEP as T;
  if (Array.isArray(value)) return value.map((item) => mapLeaves(item, map, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = mapLeaves(item, map, depth + 1);
  return out as T;
}

function collectLeaves(value: unknown, into: string[], depth: number): void {
  mapLeaves(value, (leaf) => (into.push(leaf), leaf), depth);
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
