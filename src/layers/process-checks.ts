import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { defineCheck, type HealthCheck } from '../engine/check.js';
import type { HealthStatus } from '../engine/health-status.js';
import type { ResolvedLivenessOptions } from './layer-options.js';

const WINDOW_MS = 5000;
const RESOLUTION_MS = 10;
/** Readings are cheap but not free; a liveness flood reuses them for this long. */
const READING_TTL_MS = 1000;

/** Names of the built-in liveness checks; no configured check may take them. */
export const PROCESS_CHECK_NAMES = { eventLoop: 'process:event-loop', heap: 'process:heap' } as const;

function level(value: number, warnAt: number, failAt: number): HealthStatus {
  return value >= failAt ? 'fail' : value >= warnAt ? 'warn' : 'pass';
}

/**
 * Process-local liveness checks: they read this process's own state and never touch a
 * dependency, so a database outage can never make Kubernetes restart a healthy pod.
 */
export class ProcessMonitor {
  readonly checks: HealthCheck[] = [];
  private histogram?: IntervalHistogram;
  private timer?: NodeJS.Timeout;
  private lastWindowP99Ms = 0;

  constructor(liveness: ResolvedLivenessOptions) {
    const { eventLoopDelay, heap } = liveness;
    if (eventLoopDelay) {
      this.checks.push(
        defineCheck({
          name: PROCESS_CHECK_NAMES.eventLoop,
          componentType: 'system',
          cacheTtlMs: READING_TTL_MS,
          run: () => {
            const delayMs = this.eventLoopDelayMs();
            const status = level(delayMs, eventLoopDelay.warnMs, eventLoopDelay.failMs);
            return {
              status,
              observedValue: delayMs,
              observedUnit: 'ms',
              output: status === 'pass' ? undefined : `event-loop delay p99 ${delayMs} ms (warn at ${eventLoopDelay.warnMs}, fail at ${eventLoopDelay.failMs})`,
            };
          },
        }),
      );
    }
    if (heap) {
      this.checks.push(
        defineCheck({
          name: PROCESS_CHECK_NAMES.heap,
          componentType: 'system',
          cacheTtlMs: READING_TTL_MS,
          run: () => {
            const stats = getHeapStatistics();
            const ratio = Math.round((stats.used_heap_size / stats.heap_size_limit) * 1000) / 1000;
            const status = level(ratio, heap.warnRatio, heap.failRatio);
            return {
              status,
              observedValue: ratio,
              observedUnit: 'ratio',
              measurements: {
                heapUsedBytes: stats.used_heap_size,
                heapLimitBytes: stats.heap_size_limit,
                rssBytes: process.memoryUsage.rss(),
              },
              output: status === 'pass' ? undefined : `heap at ${Math.round(ratio * 100)}% of its limit (warn at ${heap.warnRatio}, fail at ${heap.failRatio})`,
            };
          },
        }),
      );
    }
  }

  start(): void {
    if (!this.checks.some((c) => c.name === PROCESS_CHECK_NAMES.eventLoop) || this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    // Rolling window: keep the last full window's p99 so one probe right after a reset still sees a stall.
    this.timer = setInterval(() => {
      this.lastWindowP99Ms = this.currentP99Ms();
      this.histogram?.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
    this.histogram = undefined;
  }

  private currentP99Ms(): number {
    const h = this.histogram;
    if (!h || h.count === 0) return 0;
    // The histogram records whole sampling intervals; the delay is what exceeds the resolution.
    return Math.max(0, Math.round((h.percentile(99) / 1e6 - RESOLUTION_MS) * 10) / 10);
  }

  private eventLoopDelayMs(): number {
    return Math.max(this.lastWindowP99Ms, this.currentP99Ms());
  }
}
