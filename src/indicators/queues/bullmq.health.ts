import { defineCheck, checkOptions, fail, outcomeFromFindings, type CheckOptions, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { show } from '../../validation/problems.js';
import { describeError } from '../../engine/redact.js';
import { notReadyStatus, redisSecrets, type ReadyAwareClient } from '../redis/probe-support.js';
import {
  BACKLOG,
  FAILED_IN_WINDOW,
  OLDEST_WAITING,
  QUEUE_CLIENT_NOT_READY,
  QUEUE_COMMAND_FAILED,
  QUEUE_NOT_CONNECTED,
  QUEUE_PAUSED,
  QUEUE_REQUIRED,
  TOO_FEW_WORKERS,
} from './messages.js';

/**
 * The part of a BullMQ `Queue` (5 or 6) that the check reads. Declared here rather than imported,
 * so `nestjs-deep-health/queues` type-checks in an app that installs amqplib but not bullmq.
 */
export interface BullmqQueue {
  /** The queue name; the check is named `bullmq:<name>` unless given a `name`. */
  readonly name: string;
  /** The queue's Redis keys. */
  readonly keys: {
    /** The sorted set of failed jobs (scored by failure time), counted with ZCOUNT for `failedWarn`. */
    readonly failed?: string;
  };
  /** Workers connected to the queue (compared with `minWorkers`). */
  getWorkersCount(): Promise<number>;
  /** Whether the queue is paused (a warning, or a failure with `failWhenPaused`). */
  isPaused(): Promise<boolean>;
  /** Job counts per state, for the backlog thresholds and the measurements. */
  getJobCounts(...types: BullmqJobState[]): Promise<Record<string, number>>;
  /** Jobs in the given states, by index range; the check asks for the oldest waiting one (`maxWaitingAgeMs`). */
  getJobs(types: BullmqJobState[], start?: number, end?: number, asc?: boolean): Promise<readonly (BullmqJob | undefined)[]>;
  /** The newest failed jobs, by index range (for `failedWarn` when the Redis client has no `zcount`). */
  getFailed(start?: number, end?: number): Promise<readonly (BullmqJob | undefined)[]>;
}

/** The job states the check counts (a subset of BullMQ's `JobType`). */
export type BullmqJobState = 'waiting' | 'prioritized' | 'active' | 'delayed' | 'failed';

/** The fields of a BullMQ `Job` the check reads. */
export interface BullmqJob {
  /** When the job was added (epoch ms). */
  readonly timestamp: number;
  /** The job's delay in milliseconds: it waits from `timestamp + delay`. */
  readonly delay?: number;
  /** When the job finished or failed (epoch ms). */
  readonly finishedOn?: number;
}

/** Options of {@link bullmqCheck}. */
export interface BullmqCheckOptions extends CheckOptions {
  /**
   * The BullMQ `Queue` to watch (not a `Worker`). The check queries through the Queue's own Redis
   * client, never through a Worker's blocking connection.
   */
  queue: BullmqQueue;
  /** Fewer connected workers than this fails the check. `0` disables the worker check. @default 1 */
  minWorkers?: number;
  /** A paused queue fails instead of warning. @default false */
  failWhenPaused?: boolean;
  /** Waiting jobs (waiting + prioritized, paused or not) from which the check warns. `Infinity` disables it. @default 1000 */
  backlogWarn?: number;
  /** Waiting jobs from which the check fails. @default Infinity (off) */
  backlogFail?: number;
  /**
   * Age (ms since it was added, plus its delay) of the oldest waiting job from which the check
   * fails: catches a queue whose workers are connected but stuck, which depth alone misses.
   * Not judged while the queue is paused. @default Infinity (off)
   */
  maxWaitingAgeMs?: number;
  /** Window in which failed jobs are counted. @default 300000 (5 minutes) */
  failedWindowMs?: number;
  /**
   * Jobs failed within `failedWindowMs` from which the check warns. Counts the failed set, so jobs
   * removed on failure (`removeOnFail: true`) are not seen. `Infinity` disables it. @default 10
   */
  failedWarn?: number;
}

export const BULLMQ_DEFAULTS = {
  minWorkers: 1,
  failWhenPaused: false,
  backlogWarn: 1000,
  backlogFail: Infinity,
  maxWaitingAgeMs: Infinity,
  failedWindowMs: 300_000,
  failedWarn: 10,
} as const;

/** What the check reads from a Queue; `getBackend()` is BullMQ 6, `client` is BullMQ 5. */
interface QueueClientAccess {
  /** The Queue's options; `connection` is ioredis options or a client, and carries its passwords. */
  opts?: { connection?: unknown };
  getBackend?: () => { connection?: { status?: string }; client?: Promise<ReadyAwareClient> };
  client?: Promise<ReadyAwareClient>;
}

/** The part of ioredis the failed-window count uses, when the Queue's client is ioredis. */
interface SortedSetCounter {
  zcount?: (key: string, min: number | string, max: number | string) => Promise<number>;
}

/**
 * Checks a BullMQ queue: connected workers, paused state, waiting backlog, age of the oldest
 * waiting job and recent failures. `observedValue` is the waiting backlog in jobs.
 *
 * @example
 * import { Queue } from 'bullmq';
 * import { bullmqCheck } from 'nestjs-deep-health/queues';
 *
 * const emails = new Queue('emails', { connection: { host: 'redis', port: 6379 } });
 * DeepHealthModule.forRoot({
 *   checks: [bullmqCheck({ queue: emails, minWorkers: 2, backlogWarn: 500, maxWaitingAgeMs: 10 * 60_000 })],
 * });
 */
export function bullmqCheck(options: BullmqCheckOptions): HealthCheck {
  validateCheckOptions('bullmqCheck', options, (problems, o) => {
    const queue = o.queue as Partial<BullmqQueue & QueueClientAccess> | null | undefined;
    if (
      typeof queue !== 'object' ||
      queue === null ||
      typeof queue.getWorkersCount !== 'function' ||
      typeof queue.getJobCounts !== 'function' ||
      (typeof queue.getBackend !== 'function' && queue.client === undefined)
    ) {
      problems.add('queue', QUEUE_REQUIRED(show(queue)));
    }
    problems.count('minWorkers', o.minWorkers);
    problems.boolean('failWhenPaused', o.failWhenPaused);
    problems.count('backlogWarn', o.backlogWarn);
    problems.count('backlogFail', o.backlogFail);
    problems.positive('maxWaitingAgeMs', o.maxWaitingAgeMs);
    problems.positive('failedWindowMs', o.failedWindowMs);
    problems.count('failedWarn', o.failedWarn);
  });

  const settings = {
    minWorkers: options.minWorkers ?? BULLMQ_DEFAULTS.minWorkers,
    failWhenPaused: options.failWhenPaused ?? BULLMQ_DEFAULTS.failWhenPaused,
    backlogWarn: options.backlogWarn ?? BULLMQ_DEFAULTS.backlogWarn,
    backlogFail: options.backlogFail ?? BULLMQ_DEFAULTS.backlogFail,
    maxWaitingAgeMs: options.maxWaitingAgeMs ?? BULLMQ_DEFAULTS.maxWaitingAgeMs,
    failedWindowMs: options.failedWindowMs ?? BULLMQ_DEFAULTS.failedWindowMs,
    failedWarn: options.failedWarn ?? BULLMQ_DEFAULTS.failedWarn,
  };
  const watched = options.queue as BullmqQueue & QueueClientAccess;

  return defineCheck({
    name: `bullmq:${watched.name}`,
    critical: true,
    componentType: 'component',
    ...checkOptions(options),
    // A Redis error may quote the password (a proxy's AUTH failure): scrub it like redisCheck does.
    secrets: redisSecrets(watched.opts?.connection),
    run: async ({ signal }) => {
      const connectionState = watched.getBackend?.().connection?.status;
      if (connectionState !== undefined && connectionState !== 'ready') {
        // "initializing" lasts until Redis first answers (BullMQ keeps "ready" while ioredis reconnects later).
        return fail(QUEUE_NOT_CONNECTED(connectionState), connectionState === 'initializing' ? { connecting: true } : {});
      }
      try {
        const client = await untilAborted(queueClient(watched), signal);
        const notReady = notReadyStatus(client);
        if (notReady !== undefined) return fail(QUEUE_CLIENT_NOT_READY(notReady));

        const now = Date.now();
        const [workers, paused, counts, oldest, failedRecently] = await untilAborted(
          Promise.all([
            settings.minWorkers > 0 ? watched.getWorkersCount() : Promise.resolve(undefined),
            watched.isPaused(),
            watched.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
            Number.isFinite(settings.maxWaitingAgeMs) ? watched.getJobs(['waiting', 'prioritized'], 0, 0, true) : Promise.resolve([]),
            Number.isFinite(settings.failedWarn)
              ? countFailedSince(watched, client, now - settings.failedWindowMs, settings.failedWarn)
              : Promise.resolve(undefined),
          ]),
          signal,
        );

        const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
        const oldestAgeMs = oldestWaitingAge(oldest, now);
        const findings: Finding[] = [];
        if (workers !== undefined && workers < settings.minWorkers) {
          findings.push({ status: 'fail', message: TOO_FEW_WORKERS(workers, settings.minWorkers) });
        }
        if (paused) findings.push({ status: settings.failWhenPaused ? 'fail' : 'warn', message: QUEUE_PAUSED });
        if (waiting >= settings.backlogFail) findings.push({ status: 'fail', message: BACKLOG(waiting, settings.backlogFail) });
        else if (waiting >= settings.backlogWarn) findings.push({ status: 'warn', message: BACKLOG(waiting, settings.backlogWarn) });
        if (!paused && oldestAgeMs !== undefined && oldestAgeMs >= settings.maxWaitingAgeMs) {
          findings.push({ status: 'fail', message: OLDEST_WAITING(oldestAgeMs, settings.maxWaitingAgeMs) });
        }
        if (failedRecently !== undefined && failedRecently >= settings.failedWarn) {
          findings.push({ status: 'warn', message: FAILED_IN_WINDOW(failedRecently, settings.failedWindowMs, settings.failedWarn) });
        }

        const measurements: Record<string, number> = {
          waiting,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          paused: paused ? 1 : 0,
        };
        if (workers !== undefined) measurements.workers = workers;
        if (oldestAgeMs !== undefined) measurements.oldestWaitingAgeMs = oldestAgeMs;
        if (failedRecently !== undefined) measurements.failedInWindow = failedRecently;
        return outcomeFromFindings(findings, {
          observedValue: waiting,
          observedUnit: 'jobs',
          measurements,
          details: { queue: watched.name, paused },
        });
      } catch (error) {
        if (signal.aborted) throw error;
        return fail(QUEUE_COMMAND_FAILED(describeError(error)));
      }
    },
  });
}

function queueClient(queue: QueueClientAccess): Promise<ReadyAwareClient> {
  const client = typeof queue.getBackend === 'function' ? queue.getBackend().client : queue.client;
  return client ?? Promise.reject(new TypeError(`queue: ${QUEUE_REQUIRED('a queue without a Redis client')}`));
}

/**
 * Failed jobs sit in a sorted set scored by the time they failed: with ioredis a ZCOUNT over the
 * window is O(log n). Other Redis clients get the newest `limit` failed jobs and count those.
 */
async function countFailedSince(queue: BullmqQueue, client: ReadyAwareClient, since: number, limit: number): Promise<number> {
  const counter = client as SortedSetCounter;
  if (typeof counter.zcount === 'function') return counter.zcount(queue.keys.failed!, since, '+inf');
  const newest = await queue.getFailed(0, limit - 1);
  return newest.filter((job) => (job?.finishedOn ?? 0) >= since).length;
}

function oldestWaitingAge(jobs: readonly (BullmqJob | undefined)[], now: number): number | undefined {
  let oldest: number | undefined;
  for (const job of jobs) {
    if (!job || typeof job.timestamp !== 'number') continue;
    const readySince = job.timestamp + (job.delay ?? 0);
    oldest = oldest === undefined ? readySince : Math.min(oldest, readySince);
  }
  return oldest === undefined ? undefined : Math.max(0, now - oldest);
}
