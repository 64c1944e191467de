/**
 * The one way the module stops waiting for something: `untilAborted` races a promise against an
 * AbortSignal, `withTimeout` gives a call a signal of its own that aborts after a timeout. The
 * engine runs every check through them, and so do the checks, the stores and the layers.
 *
 * What `untilAborted` stops waiting for is remembered, per signal, until it settles: the engine
 * asks {@link stillPending} after a run was aborted, and starts no other run of that check while
 * its last call to the dependency is unanswered (an abandoned Redis PING, a channel that never
 * opened), so a hung dependency cannot collect one pending call per probe.
 */

/** Work that `untilAborted` gave up on when its signal aborted, and that has not settled yet. */
const abandoned = new WeakMap<AbortSignal, Set<Promise<unknown>>>();

/**
 * Settles like `work`, or rejects with the signal's reason as soon as `signal` aborts.
 *
 * For drivers whose calls cannot be cancelled (ioredis, amqplib, most SDKs): the check returns at
 * its timeout instead of waiting for the driver, and a reply that fails later is swallowed instead
 * of becoming an unhandled rejection. The abort listener is removed once `work` settles, so a
 * long-lived signal does not collect listeners. Once aborted, `work` is remembered until it
 * settles: the engine starts no other run of the check meanwhile (it reports `fail` "previous
 * run still running"), so abandoned calls cannot pile up.
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
  if (signal.aborted) {
    abandon(work, signal);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      abandon(work, signal);
      reject(abortReason(signal));
    };
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

/**
 * What `untilAborted` stopped waiting for when `signal` aborted and is still pending: a promise
 * that resolves once all of it has settled, or `undefined` when nothing is left.
 */
export function stillPending(signal: AbortSignal): Promise<void> | undefined {
  const pending = abandoned.get(signal);
  if (!pending || pending.size === 0) return undefined;
  return Promise.allSettled([...pending]).then(() => undefined);
}

function abandon(work: Promise<unknown>, signal: AbortSignal): void {
  let pending = abandoned.get(signal);
  if (!pending) abandoned.set(signal, (pending = new Set()));
  const set = pending;
  set.add(work);
  const forget = () => void set.delete(work);
  work.then(forget, forget);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
