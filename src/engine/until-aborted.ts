/**
 * The one way the module stops waiting for something: `untilAborted` races a promise against an
 * AbortSignal, `withTimeout` gives a call a signal of its own that aborts after a timeout. The
 * engine runs every check through them, and so do the checks, the stores and the layers.
 */

/**
 * Settles like `work`, or rejects with the signal's reason as soon as `signal` aborts.
 *
 * For drivers whose calls cannot be cancelled (ioredis, amqplib, most SDKs): the check returns at
 * its timeout instead of waiting for the driver, and a reply that fails later is swallowed instead
 * of becoming an unhandled rejection. The abort listener is removed once `work` settles, so a
 * long-lived signal does not collect listeners.
 *
 * @param work The driver call, already started.
 * @param signal The run's `ctx.signal`; without one, `work` is returned as is.
 * @returns `work`'s value; rejects with `work`'s error, or with `signal.reason` once aborted.
 *
 * @example
 * import { defineCheck, untilAborted } from 'nestjs-deep-health';
 *
 * defineCheck({
 *   name: 'search',
 *   run: async ({ signal }) => {
 *     // the SDK takes no AbortSignal: race it, so a hung cluster fails at the timeout
 *     await untilAborted(searchClient.ping(), signal);
 *   },
 * });
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs `call` with a signal that aborts after `timeoutMs`, and rejects with `new Error(message)`
 * at that moment even if `call` ignores its signal. The timer is cleared when `call` settles.
 */
export async function withTimeout<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, message: string): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(message)), timeoutMs);
  try {
    return await untilAborted(Promise.resolve().then(() => call(controller.signal)), controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
