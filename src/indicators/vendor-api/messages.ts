/** Every text the shared HTTP layer writes into a result, in one place. */

export const UNREACHABLE = (vendor: string, origin: string, reason: string) => `${vendor} unreachable at ${origin}: ${reason}`;
export const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED)',
  ECONNRESET: 'connection reset (ECONNRESET)',
  ENOTFOUND: 'host not found (ENOTFOUND)',
  EAI_AGAIN: 'DNS lookup failed (EAI_AGAIN)',
  ETIMEDOUT: 'connection timed out (ETIMEDOUT)',
  EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout (UND_ERR_CONNECT_TIMEOUT)',
  UND_ERR_SOCKET: 'socket closed by the server (UND_ERR_SOCKET)',
};
export const MALFORMED_JSON = (vendor: string, what: string, status: number) =>
  `${vendor} answered ${what} with malformed JSON (HTTP ${status})`;
export const UNEXPECTED_SHAPE = (vendor: string, what: string, expected: string) =>
  `${vendor} answered ${what} without ${expected}`;
export const BODY_TOO_LARGE = (vendor: string, what: string, maxBytes: number) =>
  `${vendor} answered ${what} with more than ${maxBytes} bytes; body discarded`;
export const REDIRECTED = (vendor: string, what: string, status: number) =>
  `${vendor} redirected ${what} (HTTP ${status}); redirects are not followed so credentials never leave the configured host: fix the url`;
export const AUTH_REJECTED = (vendor: string, status: number, detail: string) =>
  `${vendor} API key rejected (HTTP ${status})${suffix(detail)}`;
export const NOT_FOUND = (what: string, status: number, detail: string) => `${what} (HTTP ${status})${suffix(detail)}`;
export const RATE_LIMITED = (vendor: string, status: number, retryAfterSeconds: number | undefined, detail: string) =>
  `${vendor} rate limited (HTTP ${status})${retryAfterSeconds === undefined ? '' : `, retry after ${retryAfterSeconds} s`}${suffix(detail)}`;
export const OVERLOADED = (vendor: string, status: number, detail: string) => `${vendor} overloaded (HTTP ${status})${suffix(detail)}`;
export const SERVER_ERROR = (vendor: string, status: number, detail: string) => `${vendor} server error (HTTP ${status})${suffix(detail)}`;
export const CLIENT_ERROR = (vendor: string, what: string, status: number, detail: string) =>
  `${vendor} rejected ${what} (HTTP ${status})${suffix(detail)}`;
export const RATE_LIMIT_LOW = (kind: string, remaining: number, limit: number) =>
  `only ${remaining} of ${limit} ${kind} left in the current rate-limit window`;

function suffix(detail: string): string {
  return detail ? `: ${detail}` : '';
}
