import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Server } from 'node:http';
import { HttpAdapterHost } from '@nestjs/core';
import type { OptionsForLayers } from './layer-options.js';
import { DEEP_HEALTH_OPTIONS } from '../tokens/deep-health-options.token.js';

const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** How long the HTTP server may take to finish the requests in flight before the adapter closes it anyway. */
const CLOSE_GRACE_MS = 10_000;

interface ClosableAdapter {
  beforeClose?: () => unknown;
  close?: () => unknown;
  getHttpServer?: () => Server | undefined;
}

/**
 * Graceful drain: on SIGTERM (or SIGINT) readiness turns 503 at once, and the app keeps serving
 * for `shutdown.drainDelayMs` before Nest closes anything, so load balancers and kube-proxy stop
 * routing here first. A second signal ends the drain at once (Ctrl-C twice).
 */
@Injectable()
export class GracefulDrain implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('DeepHealth');
  private since?: number;
  private wait?: Promise<void>;
  private endEarly?: () => void;
  private restoreAdapter?: () => void;
  /** The adapter's own close, once Nest asked for it: run at the end of the shutdown instead. */
  private closeAdapter?: () => Promise<unknown>;
  private readonly closingListeners: (() => void)[] = [];
  private resourcesClosing = false;
  private readonly onSignal = (signal: NodeJS.Signals) => this.start(signal);

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: Pick<OptionsForLayers, 'shutdown'>,
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
    this.announceClosing();
  }

  /**
   * Called once when the drain is over and the app's resources start closing (before any
   * `onModuleDestroy` of an app with an HTTP adapter): from then on no check should touch them.
   */
  onResourcesClosing(listener: () => void): void {
    this.closingListeners.push(listener);
  }

  /**
   * Closes the HTTP server now, at the end of the shutdown rather than where Nest closes it
   * (before every `onApplicationShutdown` hook): while a slow hook runs (a queue worker finishing
   * its jobs), probes still get the module's answers: liveness 200, readiness 503 `draining`.
   */
  async onApplicationShutdown(): Promise<void> {
    const close = this.closeAdapter;
    this.closeAdapter = undefined;
    this.restoreAdapter?.();
    this.restoreAdapter = undefined;
    if (close) await close();
  }

  /**
   * `app.close()` (also the one run by `enableShutdownHooks()` on SIGTERM) awaits the HTTP
   * adapter's `beforeClose()` before ANY shutdown hook: waiting for the drain there keeps every
   * other module (database pools, queue workers) open while the load balancer still routes
   * requests here. Waiting in `onModuleDestroy` alone is too late: Nest calls it after the
   * `onModuleDestroy` of other modules (a global module comes last), and after `beforeClose`
   * has already switched on `return503OnClosing`.
   *
   * The adapter's `close()` is deferred to {@link onApplicationShutdown}, where it first stops the
   * server from accepting connections and lets the requests in flight finish, and only then runs
   * the adapter's own close. So no request ever reaches Fastify once it is closing: Fastify answers
   * those with its own bare 503 (`return503OnClosing`, on by default), without the version fields.
   */
  private holdCloseUntilDrained(): void {
    const adapter = this.adapterHost?.httpAdapter as ClosableAdapter | undefined;
    if (!adapter || this.restoreAdapter) return;
    const originalBeforeClose = adapter.beforeClose;
    const originalClose = adapter.close;
    const ownBeforeClose = Object.prototype.hasOwnProperty.call(adapter, 'beforeClose');
    const ownClose = Object.prototype.hasOwnProperty.call(adapter, 'close');
    adapter.beforeClose = async () => {
      await this.finish();
      return originalBeforeClose?.call(adapter);
    };
    const server = adapter.getHttpServer?.();
    const inFlight = server ? countRequests(server) : undefined;
    adapter.close = () => {
      this.closeAdapter ??= async () => {
        // Keep accepting (probes keep getting answers) until the app's requests in flight are done.
        await inFlight?.idle(CLOSE_GRACE_MS);
        await stopAccepting(server);
        return originalClose?.call(adapter);
      };
    };
    this.restoreAdapter = () => {
      if (ownBeforeClose) adapter.beforeClose = originalBeforeClose;
      else delete adapter.beforeClose;
      if (ownClose) adapter.close = originalClose;
      else delete adapter.close;
    };
  }

  /** Shutdown has begun: readiness answers 503 from now on; waits for a drain already under way. */
  private async finish(): Promise<void> {
    this.since ??= Date.now();
    if (this.wait) await this.wait;
    this.announceClosing();
  }

  private announceClosing(): void {
    if (this.resourcesClosing) return;
    this.resourcesClosing = true;
    for (const listener of this.closingListeners) listener();
  }

  private removeSignalListeners(): void {
    for (const signal of DRAIN_SIGNALS) process.removeListener(signal, this.onSignal);
  }
}

/** Counts the server's requests in flight; `idle()` resolves when there are none (or after `maxMs`). */
function countRequests(server: Server): { idle(maxMs: number): Promise<void> } {
  let active = 0;
  const waiters: (() => void)[] = [];
  server.on('request', (_req, res: { once(event: 'close', listener: () => void): unknown }) => {
    active++;
    res.once('close', () => {
      active--;
      if (active === 0) for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    idle: (maxMs) =>
      active === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, maxMs);
            timer.unref();
            waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}

/**
 * Stops accepting connections and waits (at most {@link CLOSE_GRACE_MS}) for the open ones to
 * finish their requests; idle keep-alive sockets are closed at once.
 */
async function stopAccepting(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_GRACE_MS);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections?.();
  });
}
