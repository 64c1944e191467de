import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import { defineCheck, checkOptions, fail, outcomeFromFindings, type CheckOptions, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { show } from '../../validation/problems.js';
import { describeError } from '../../engine/redact.js';
import { CLIENT_NOT_READY, CLIENT_REQUIRED, NO_READY_CLUSTER_NODE, REDIS_COMMAND_FAILED } from './messages.js';
import { notReadyStatus, redisSecrets, round, watchFirstConnection } from './probe-support.js';
import { assessClusterInfo, assessRedisInfo, parseRedisInfo } from './redis-info.js';

/** Options of {@link redisCheck}. */
export interface RedisCheckOptions extends CheckOptions {
  /**
   * The application's own ioredis client (`Redis` or `Cluster`). The check only reads it: it never
   * changes its options and never sends a command while it is not `ready`.
   */
  client: Redis | Cluster;
  /**
   * `used_memory / maxmemory` from which the check warns. Ignored when `maxmemory` is 0 (no limit).
   * `Infinity` switches it off (e.g. for an LRU cache that is full by design).
   * @default 0.9
   */
  memoryWarnRatio?: number;
  /**
   * `used_memory / maxmemory` from which the check fails, only when `maxmemory-policy` is
   * `noeviction` (Redis then refuses writes once full).
   * @default 0.98
   */
  memoryFailRatio?: number;
}

export const REDIS_DEFAULTS = { memoryWarnRatio: 0.9, memoryFailRatio: 0.98 } as const;

/** Only cheap sections: never `INFO all`/`everything` (commandstats, latencystats, keyspace scans). */
const INFO_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'replication', 'stats'] as const;

/**
 * Checks an ioredis `Redis` or `Cluster`: PING latency, then `INFO` (loading, replica link,
 * memory against `maxmemory`, persistence errors, rejected connections) and, for a Cluster,
 * `CLUSTER INFO` (state and slot coverage). Fails at once when the client is not `ready`.
 *
 * `observedValue` is the PING round trip in ms; `measurements` carry memory and client counts.
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisCheck } from 'nestjs-deep-health/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * DeepHealthModule.forRoot({ checks: [redisCheck({ client: redis, timeoutMs: 1000 })] });
 */
export function redisCheck(options: RedisCheckOptions): HealthCheck {
  validateCheckOptions('redisCheck', options, (problems, o) => {
    const client = o.client as Partial<Redis> | null | undefined;
    if (typeof client !== 'object' || client === null || typeof client.status !== 'string' || typeof client.ping !== 'function') {
      problems.add('client', CLIENT_REQUIRED(show(client)));
    }
    problems.positive('memoryWarnRatio', o.memoryWarnRatio);
    problems.positive('memoryFailRatio', o.memoryFailRatio);
  });

  const thresholds = {
    memoryWarnRatio: options.memoryWarnRatio ?? REDIS_DEFAULTS.memoryWarnRatio,
    memoryFailRatio: options.memoryFailRatio ?? REDIS_DEFAULTS.memoryFailRatio,
  };
  const isCluster = options.client.isCluster === true;
  // rejected_connections is a counter since the server started: only its rise between runs matters.
  const previousRejected = new Map<string, number>();
  const firstConnection = watchFirstConnection(options.client);

  return defineCheck({
    name: 'redis',
    critical: true,
    componentType: 'datastore',
    ...checkOptions(options),
    secrets: redisSecrets(options.client),
    run: async ({ signal }) => {
      const notReady = notReadyStatus(options.client);
      if (notReady !== undefined) return fail(CLIENT_NOT_READY(notReady), firstConnection() ? { connecting: true } : {});
      const node = isCluster ? readyNode(options.client as Cluster) : (options.client as Redis);
      if (!node) return fail(NO_READY_CLUSTER_NODE);

      let latencyMs: number;
      let replies: string[];
      try {
        const started = performance.now();
        await untilAborted(node.ping(), signal);
        latencyMs = round(performance.now() - started, 1);
        replies = await untilAborted(
          Promise.all([...INFO_SECTIONS.map((section) => node.info(section)), ...(isCluster ? [node.cluster('INFO')] : [])]),
          signal,
        );
      } catch (error) {
        if (signal.aborted) throw error;
        return fail(REDIS_COMMAND_FAILED(describeError(error)));
      }

      const nodeKey = `${node.options.host}:${node.options.port}`;
      const info = parseRedisInfo(...replies.slice(0, INFO_SECTIONS.length));
      const assessed = assessRedisInfo(info, thresholds, previousRejected.get(nodeKey));
      const rejected = assessed.measurements.rejectedConnections;
      if (rejected !== undefined) previousRejected.set(nodeKey, rejected);
      const cluster = isCluster ? assessClusterInfo(parseRedisInfo(replies[INFO_SECTIONS.length]!)) : undefined;

      return outcomeFromFindings([...(cluster?.findings ?? []), ...assessed.findings], {
        observedValue: latencyMs,
        observedUnit: 'ms',
        measurements: { latencyMs, ...assessed.measurements, ...cluster?.measurements },
        details: { ...assessed.details, ...cluster?.details, ...(isCluster ? { node: nodeKey } : {}) },
      });
    },
  });
}

/** The first master whose connection is ready: PING and INFO through one node are enough. */
function readyNode(cluster: Cluster): Redis | undefined {
  return cluster.nodes('master').find((node) => node.status === 'ready');
}
