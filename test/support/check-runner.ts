/**
 * Runs checks the way the module does, through a real HealthEngine (no cache), for integration tests.
 *
 * ```ts
 * const runner = new CheckRunner({ timeoutMs: 400 });
 * const result = await runner.evaluate(check);                       // one fresh run
 * const back = await runner.untilStatus(check, 'pass', 10_000);      // poll until pass (or give up)
 * const { result, elapsedMs } = await runner.timed(check);           // wall-clock time of one run
 * runner.close();                                                     // afterAll
 * ```
 */
import type { HealthCheck } from '../../src/engine/check';
import { HealthEngine, type CheckResult } from '../../src/engine/health-engine';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `probe` every 50 ms until `ok` holds or `timeoutMs` passed; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

export class CheckRunner {
  readonly engine: HealthEngine;

  constructor(readonly settings: { timeoutMs: number; deadlineMs?: number }) {
    this.engine = new HealthEngine({ timeoutMs: settings.timeoutMs, cacheTtlMs: 0, deadlineMs: settings.deadlineMs ?? settings.timeoutMs * 3 });
  }

  async evaluate(check: HealthCheck): Promise<CheckResult> {
    return (await this.engine.evaluate([check])).results[0]!;
  }

  untilStatus(check: HealthCheck, status: CheckResult['status'], timeoutMs = 5000): Promise<CheckResult> {
    return until(() => this.evaluate(check), (result) => result.status === status, timeoutMs);
  }

  async timed(check: HealthCheck): Promise<{ result: CheckResult; elapsedMs: number }> {
    const started = Date.now();
    const result = await this.evaluate(check);
    return { result, elapsedMs: Date.now() - started };
  }

  close(): void {
    this.engine.close();
  }
}
