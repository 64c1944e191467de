import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `authorization` is `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the guess.
 */
export function isAuthorized(authorization: string | string[] | undefined, token: string | undefined): boolean {
  if (!token || typeof authorization !== 'string') return false;
  const match = /^Bearer[ ]+(.+)$/i.exec(authorization.trim());
  if (!match) return false;
  const given = createHash('sha256').update(match[1]!).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
