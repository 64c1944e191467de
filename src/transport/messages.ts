/** Every text the HTTP layer writes into an answer of its own, in one place. */
import { MAX_BODY_BYTES } from './request-body.js';

export const DISABLED = 'maintenance endpoints are disabled: configure adminToken to enable them';
export const UNAUTHORIZED = 'send Authorization: Bearer <adminToken>';
export const RATE_LIMITED = (seconds: number) => `too many wrong admin tokens from this client: retry after ${seconds} s`;
export const BODY_TOO_LARGE = `body too large: at most ${MAX_BODY_BYTES} bytes`;
export const BODY_INVALID_JSON = 'is not valid JSON (UTF-8), e.g. {"reason": "planned upgrade"}';
export const BODY_UNREADABLE = 'could not be read (the client stopped sending?)';
export const QUERY_UNKNOWN = (known: readonly string[]) =>
  known.length > 0 ? `unknown parameter (known: ${known.join(', ')})` : 'unknown parameter (this route takes none)';
export const QUERY_REPEATED = 'given more than once: give it once';
