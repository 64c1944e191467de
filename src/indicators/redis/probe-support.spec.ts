import { OptionProblems, notReadyStatus, untilAborted } from './probe-support';

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

  it('removes its abort listener once the work settles', async () => {
    const controller = new AbortController();
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    await untilAborted(Promise.resolve('ok'), controller.signal);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('notReadyStatus', () => {
  it('is undefined only for ready', () => {
    expect(notReadyStatus({ status: 'ready' })).toBeUndefined();
    expect(notReadyStatus({ status: 'reconnecting' })).toBe('reconnecting');
  });
});

describe('OptionProblems', () => {
  it('collects every problem and throws them in one TypeError, echoing values but never object contents', () => {
    const problems = new OptionProblems('someCheck');
    problems.common({ name: '', critical: 'yes', timeoutMs: Infinity, cacheTtlMs: -1 });
    problems.positive('ratio', { password: 'hunter2' });
    problems.count('limit', 2.5);
    problems.count('off', Infinity);
    problems.positive('fine', 0.5);
    expect(() => problems.throwIfAny()).toThrow(TypeError);
    let message = '';
    try {
      problems.throwIfAny();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'someCheck(): invalid options:',
      '  name: expected a non-empty string, got `""`',
      '  critical: expected a boolean, got `"yes"`',
      '  timeoutMs: expected a finite number above 0, got `Infinity`',
      '  cacheTtlMs: expected a whole number >= 0, got `-1`',
      '  ratio: expected a number above 0, got `object`',
      '  limit: expected a whole number >= 0, got `2.5`',
    ]);
    expect(message).not.toContain('hunter2');
  });

  it('does not throw without problems', () => {
    expect(() => new OptionProblems('x').throwIfAny()).not.toThrow();
  });
});
