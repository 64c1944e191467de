/** Every text the engine itself writes into a result, in one place. */
export const TIMEOUT_EXCEEDED = (ms: number) => `timed out after ${ms} ms`;
export const DEADLINE_EXCEEDED = (ms: number) => `no result within the ${ms} ms response deadline (the check is still running)`;
export const CHECK_THREW = (message: string) => `check threw: ${message}`;
export const ENGINE_CLOSED = 'health engine is shutting down';
