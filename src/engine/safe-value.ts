/**
 * Turns whatever a check hands back into plain, redacted, bounded JSON data: the one place that
 * decides how a BigInt, a Date, a URL, a Buffer, a Map, a cycle or a huge object appears in a
 * response. Anything that cannot be read (a throwing getter, a revoked Proxy) throws here, once,
 * and the engine turns it into that check's `fail`.
 */
import { MAX_DEPTH, redactSecrets, TOO_DEEP } from './redact.js';

/** Characters a check's `details` may take in total; beyond that the rest is cut with a marker. */
export const MAX_DETAILS_CHARS = 8192;
const MAX_STRING = 1000;
const MAX_ITEMS = 100;
const MAX_BUFFER_TEXT = 256;
const CIRCULAR = '[circular]';
const TRUNCATED = '[truncated]';
const TRUNCATED_KEY = '…';

interface Walk {
  secrets: readonly string[];
  remaining: number;
  ancestors: Set<object>;
}

/**
 * A JSON-safe copy of `value` with every string redacted: BigInt as a number (or a string beyond
 * 2^53), a Date as its ISO text, a URL as its (redacted) href, a Buffer as its text when it is
 * short UTF-8 (else its size), Map and Set as object and array, an Error as its description.
 * Functions, symbols and `undefined` are left out. Bounded by `maxChars` in total.
 */
export function toSafeJson(value: unknown, secrets: readonly string[] = [], maxChars = MAX_DETAILS_CHARS): unknown {
  return walk(value, { secrets, remaining: maxChars, ancestors: new Set() }, 0);
}

/** A BigInt as JSON can carry it: a number when exact, else its decimal text. */
export function safeBigInt(value: bigint): number | string {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}

function text(value: string, state: Walk): string {
  const redacted = redactSecrets(value, state.secrets);
  const cut = redacted.length > MAX_STRING ? `${redacted.slice(0, MAX_STRING - 1)}…` : redacted;
  state.remaining -= cut.length + 2;
  return cut;
}

function walk(value: unknown, state: Walk, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return text(value, state);
    case 'number':
      state.remaining -= 8;
      // JSON writes NaN and Infinity as null: say what they were.
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      state.remaining -= 5;
      return value;
    case 'bigint':
      state.remaining -= 8;
      return safeBigInt(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (object instanceof Date) return text(Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString(), state);
  if (object instanceof URL) return text(object.href, state);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return text(describeBytes(object), state);
  if (isErrorLike(object)) return text(errorText(object), state);
  if (state.ancestors.has(object)) return CIRCULAR;
  state.ancestors.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) return walkItems([...(object as Iterable<unknown>)], state, depth);
    const entries: Array<[string, unknown]> =
      object instanceof Map ? [...object].map(([k, v]): [string, unknown] => [String(k), v]) : Object.keys(object).map((k) => [k, (object as Record<string, unknown>)[k]]);
    const out: Record<string, unknown> = {};
    let kept = 0;
    for (const [key, item] of entries) {
      if (state.remaining <= 0 || kept >= MAX_ITEMS) {
        out[TRUNCATED_KEY] = `${entries.length - kept} more key(s) left out`;
        break;
      }
      const safe = walk(item, state, depth + 1);
      if (safe === undefined) continue;
      out[text(key, state)] = safe;
      kept++;
    }
    return out;
  } finally {
    state.ancestors.delete(object);
  }
}

function walkItems(items: unknown[], state: Walk, depth: number): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (state.remaining <= 0 || out.length >= MAX_ITEMS) {
      out.push(`${TRUNCATED} ${items.length - out.length} more item(s)`);
      break;
    }
    const safe = walk(item, state, depth + 1);
    out.push(safe === undefined ? null : safe);
  }
  return out;
}

function describeBytes(bytes: ArrayBufferView | ArrayBuffer): string {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.byteLength <= MAX_BUFFER_TEXT) {
    try {
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(view);
      // Printable text only (tabs and newlines allowed); control bytes mean binary.
      if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(decoded)) return decoded;
    } catch {
      // not UTF-8: binary
    }
  }
  return `[binary, ${view.byteLength} bytes]`;
}

function isErrorLike(value: object): value is Error {
  return value instanceof Error;
}

function errorText(error: Error): string {
  const { code } = error as { code?: unknown };
  const message = (typeof error.message === 'string' && error.message) || error.name || 'error';
  return (typeof code === 'string' && code && !message.includes(code) ? `${code}: ${message}` : message).split('\n')[0]!;
}
