import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedHealthOptions } from '../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../module/tokens.js';

const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Graceful drain: on SIGTERM (or SIGINT) readiness turns 503 at once, and the app keeps serving
 * for `shutdown.drainDelayMs` before Nest closes anything, so load balancers and kube-proxy stop
 * routing here first. A second signal ends the drain at once (Ctrl-C twice).
 */
@Injectable()
export class GracefulDrain implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeepHealth');
  private since?: number;
  private wait?: Promise<void>;
  private endEarly?: () => void;
  private restoreBeforeClose?: () => void;
  private readonly onSignal = (signal: NodeJS.Signals) => this.start(signal);

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** True from the first signal (or the start of `app.close()`) until exit. */
  get isDraining(): boolean {
    return this.since !== undefined;
  }

  /** Seconds left in the drain, for `Retry-After`. */
  retryAfterSeconds(): number {
    const left = (this.since ?? Date.now()) + this.options.shutdown.drainDelayMs - Date.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  onApplicationBootstrap(): void {
    this.holdCloseUntilDrained();
    if (this.options.shutdown.drainDelayMs > 0) {
      // Prepended so readiness flips before any other handler (e.g. Nest's own close) runs.
      for (const signal of DRAIN_SIGNALS) process.prependListener(signal, this.onSignal);
    }
  }

  /** Readiness answers 503 from now on; the app may close once `drainDelayMs` has passed. */
  start(signal?: string): void {
    if (this.since !== undefined) {
      if (signal && this.endEarly) {
        this.logger.warn(`${signal} received again: ending the drain now`);
        this.endEarly();
      }
      return;
    }
    this.since = Date.now();
    const delay = this.options.shutdown.drainDelayMs;
    this.logger.log(`${signal ?? 'shutdown'} received: readiness is now 503; draining for ${delay} ms`);
    this.wait = new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.endEarly = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (signal && process.listenerCount(signal) === 1) {
      // Nobody else handles the signal (no app.enableShutdownHooks()): keep the default of
      // exiting on it, but only after the drain delay.
      void this.wait.then(() => {
        this.removeSignalListeners();
        process.kill(process.pid, signal);
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    // Normally a no-op: the wait happened in the adapter's beforeClose. Kept for apps whose
    // adapter has no beforeClose (or no HTTP adapter at all, e.g. a worker with `server`).
    await this.finish();
  }

  beforeApplicationShutdown(): void {
    this.removeSignalListeners();
    this.restoreBeforeClose?.();
  }

  /**
   * `app.close()` (also the one run by `enableShutdownHooks()` on SIGTERM) awaits the HTTP
   * adapter's `beforeClose()` before ANY shutdown hook: waiting for the drain there keeps every
   * other module (database pools, queue workers) open while the load balancer still routes
   * requests here. Waiting in `onModuleDestroy` alone is too late: Nest calls it after the
   * `onModuleDestroy` of other modules (a global module comes last), and after `beforeClose`
   * has already switched on `return503OnClosing`.
   */
  private holdCloseUntilDrained(): void {
    const adapter = this.adapterHost?.httpAdapter as { beforeClose?: () => unknown } | undefined;
    if (!adapter || this.restoreBeforeClose) return;
    const original = adapter.beforeClose;
    const own = Object.prototype.hasOwnProperty.call(adapter, 'beforeClose');
    adapter.beforeClose = async () => {
      await this.finish();
      return original?.call(adapter);
    };
    this.restoreBeforeClose = () => {
      if (own) adapter.beforeClose = original;
      else delete adapter.beforeClose;
    };
  }

  /** Shutdown has begun: readiness answers 503 from now on; waits for a drain already under way. */
  private async finish(): Promise<void> {
    this.since ??= Date.now();
    if (this.wait) await this.wait;
  }

  private removeSignalListeners(): void {
    for (const signal of DRAIN_SIGNALS) process.removeListener(signal, this.onSignal);
  }
}
