/** Every text the engine itself writes into a result, in one place. */
export const TIMEOUT_EXCEEDED = (ms: number) => `timed out after ${ms} ms`;
export const DEADLINE_EXCEEDED = (ms: number) => `no result within the ${ms} ms response deadline (the check is still running)`;
export const CHECK_THREW = (message: string) => `check threw: ${message}`;
export const ENGINE_CLOSED = 'health engine is shutting down';
export const PREVIOUS_RUN_STILL_RUNNING = (ms: number) =>
  `previous run still running after ${ms} ms (the check ignores its abort signal, or a call it made is unanswered); not starting another`;
export const FIRST_RESULT_PENDING = (deadlineMs: number, timeoutMs: number) =>
  `first run still in progress after the ${deadlineMs} ms response deadline (its timeout is ${timeoutMs} ms); later probes are served its last result while it refreshes`;
export const UNREADABLE_OUTCOME = (why: string) => `check returned a result that cannot be read: ${why}`;

// Check-factory option validation (`validateCheckOptions`): `path: what is wrong, got <value>` lines.
export const FAILURE_TTL_ABOVE_TTL = (failureTtl: number, ttl: number) =>
  `must not exceed cacheTtlMs (${ttl}): a failed result is reused for a shorter time than a good one, got ${failureTtl}`;
export const OPTION_REQUIRED = 'is required';
export const NOT_AN_OBJECT = (got: string) => `must be an object, got ${got}`;
export const NOT_A_URL = (scheme: string, got: string) => `must be an ${scheme}(s) URL, got ${got}`;
export const UNPARSABLE_URL = (scheme: string, example: string) =>
  `must be an absolute ${scheme}(s) URL (e.g. ${example}), got an unparsable string`;
export const WRONG_URL_SCHEME = (scheme: string, protocol: string, where: string) =>
  `must use ${scheme} or ${scheme}s, got ${JSON.stringify(protocol)} in ${where}`;
export const NOT_A_SECRET = (got: string) => `must be a non-empty string, got ${got}`;
export const NOT_A_COUNT = (got: string) => `must be a whole number >= 0 or Infinity, got ${got}`;
export const NOT_POSITIVE = (got: string) => `must be a number above 0 or Infinity, got ${got}`;
