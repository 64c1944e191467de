import { untilAborted, withTimeout } from './until-aborted';

describe('untilAborted', () => {
  it('settles like the work when the signal stays quiet', async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(42), controller.signal)).resolves.toBe(42);
    await expect(untilAborted(Promise.reject(new Error('nope')), controller.signal)).rejects.toThrow('nope');
  });

  it('rejects with the abort reason at once, and a late failure of the work is not unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      let failLate!: (error: Error) => void;
      const work = new Promise<never>((_, reject) => (failLate = reject));
      const raced = untilAborted(work, controller.signal);
      controller.abort(new Error('timed out after 5 ms'));
      await expect(raced).rejects.toThrow('timed out after 5 ms');
      failLate(new Error('Connection is closed.'));
      // An already-aborted signal must not leave the work unobserved either.
      void untilAborted(Promise.reject(new Error('late')), controller.signal).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('without a signal is the work itself (for callers whose signal is optional)', () => {
    const work = Promise.resolve('ok');
    expect(untilAborted(work, undefined)).toBe(work);
  });

  it('removes its abort listener once the work settles', async () => {
    const controller = new AbortController();
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    await untilAborted(Promise.resolve('ok'), controller.signal);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('withTimeout', () => {
  it('resolves like the call when it answers in time, and clears its timer', async () => {
    await expect(withTimeout(async () => 'ok', 1000, 'too slow')).resolves.toBe('ok');
  });

  it('rejects with the message at the timeout, even when the call ignores its signal, and aborts that signal', async () => {
    let seen: AbortSignal | undefined;
    const result = withTimeout((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, 20, 'no answer within 20 ms');
    await expect(result).rejects.toThrow('no answer within 20 ms');
    expect(seen?.aborted).toBe(true);
  });
});
