/** Every text the background DataSource start writes into a state, a check result or a log line. */

export const CONNECTING = (attempt: number, lastError: string | undefined) =>
  `connecting (attempt ${attempt}${lastError ? `; last error: ${lastError}` : ''})`;
export const MIGRATING = (pending: readonly string[]) => `connected; running ${pending.length} migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`;
export const MIGRATION_FAILED = (migration: string, reason: string) => `migration ${migration} failed: ${reason}`;
export const GAVE_UP = (attempts: number, lastError: string) => `gave up after ${attempts} attempts; last error: ${lastError}`;
export const STOPPED = 'stopped: the application is shutting down';
export const CONNECTED = 'connected';
export const NOT_STARTED = 'not started yet (starts at application bootstrap)';
export const CONNECT_FAILED_LOG = (attempt: number, reason: string, delayMs: number) =>
  `database connection attempt ${attempt} failed: ${reason}; retrying in ${delayMs} ms`;
export const MIGRATION_FAILED_LOG = (failure: string, delayMs: number) => `${failure}; retrying in ${delayMs} ms (the connection stays up)`;
