/**
 * Pure reading of Redis `INFO` and `CLUSTER INFO` replies: no I/O, so every rule is unit-tested
 * on literal replies.
 */
import type { Finding } from '../../engine/check.js';
import {
  AOF_WRITE_FAILED,
  CLUSTER_SLOTS,
  CLUSTER_STATE,
  LOADING,
  MEMORY_FULL_NOEVICTION,
  MEMORY_HIGH,
  RDB_SAVE_FAILED,
  REJECTED_CONNECTIONS_RISING,
  REPLICA_LINK_DOWN,
} from './messages.js';
import { round } from './probe-support.js';

/** `field -> value` of one or more `INFO` replies (section headers and blank lines dropped). */
export type RedisInfo = Readonly<Record<string, string>>;

export const CLUSTER_SLOT_COUNT = 16384;

/** Parses `INFO` / `CLUSTER INFO` text (`key:value` lines). Later replies win on a duplicate key. */
export function parseRedisInfo(...replies: readonly string[]): RedisInfo {
  const info: Record<string, string> = {};
  for (const reply of replies) {
    for (const line of reply.split(/\r?\n/)) {
      if (line === '' || line.startsWith('#')) continue;
      const colon = line.indexOf(':');
      if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1).trim();
    }
  }
  return info;
}

export interface RedisInfoThresholds {
  /** `used_memory / maxmemory` from which the check warns. */
  readonly memoryWarnRatio: number;
  /** `used_memory / maxmemory` from which the check fails, when `maxmemory-policy` is `noeviction`. */
  readonly memoryFailRatio: number;
}

export interface RedisInfoAssessment {
  readonly findings: Finding[];
  readonly measurements: Record<string, number>;
  readonly details: Record<string, unknown>;
}

function numberField(info: RedisInfo, key: string): number | undefined {
  const raw = info[key];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Judges one node's `INFO` (sections server, clients, memory, persistence, replication, stats).
 * `previousRejectedConnections` is the node's `rejected_connections` at the previous run, if any.
 */
export function assessRedisInfo(
  info: RedisInfo,
  thresholds: RedisInfoThresholds,
  previousRejectedConnections?: number,
): RedisInfoAssessment {
  const findings: Finding[] = [];
  const measurements: Record<string, number> = {};
  const measure = (name: string, value: number | undefined) => {
    if (value !== undefined) measurements[name] = value;
  };

  if (info.loading === '1') findings.push({ status: 'fail', message: LOADING(numberField(info, 'loading_eta_seconds')) });

  // Redis reports `role:slave` (and `role:replica` in some forks) for replicas.
  const isReplica = info.role === 'slave' || info.role === 'replica';
  if (isReplica && info.master_link_status === 'down') {
    findings.push({ status: 'fail', message: REPLICA_LINK_DOWN(numberField(info, 'master_link_down_since_seconds')) });
  }

  const used = numberField(info, 'used_memory');
  const max = numberField(info, 'maxmemory');
  const policy = info.maxmemory_policy;
  measure('usedMemoryBytes', used);
  if (used !== undefined && max !== undefined && max > 0) {
    const ratio = used / max;
    measure('maxMemoryBytes', max);
    measure('memoryUsedRatio', round(ratio, 4));
    if (policy === 'noeviction' && ratio >= thresholds.memoryFailRatio) {
      findings.push({ status: 'fail', message: MEMORY_FULL_NOEVICTION(ratio, thresholds.memoryFailRatio) });
    } else if (ratio >= thresholds.memoryWarnRatio) {
      findings.push({ status: 'warn', message: MEMORY_HIGH(ratio, thresholds.memoryWarnRatio) });
    }
  }

  if (info.rdb_last_bgsave_status === 'err') findings.push({ status: 'warn', message: RDB_SAVE_FAILED });
  if (info.aof_last_write_status === 'err') findings.push({ status: 'warn', message: AOF_WRITE_FAILED });

  const rejected = numberField(info, 'rejected_connections');
  measure('rejectedConnections', rejected);
  if (rejected !== undefined && previousRejectedConnections !== undefined && rejected > previousRejectedConnections) {
    findings.push({ status: 'warn', message: REJECTED_CONNECTIONS_RISING(rejected - previousRejectedConnections) });
  }

  measure('connectedClients', numberField(info, 'connected_clients'));
  measure('maxClients', numberField(info, 'maxclients'));
  measure('blockedClients', numberField(info, 'blocked_clients'));
  measure('connectedReplicas', numberField(info, 'connected_slaves'));
  measure('evictedKeys', numberField(info, 'evicted_keys'));
  measure('uptimeSeconds', numberField(info, 'uptime_in_seconds'));

  const details: Record<string, unknown> = {};
  for (const [detail, key] of [
    ['redisVersion', 'redis_version'],
    ['mode', 'redis_mode'],
    ['role', 'role'],
    ['maxmemoryPolicy', 'maxmemory_policy'],
    ['masterLinkStatus', 'master_link_status'],
  ] as const) {
    if (info[key] !== undefined) details[detail] = info[key];
  }
  return { findings, measurements, details };
}

/** Judges `CLUSTER INFO`: the cluster must be `ok` with every hash slot assigned. */
export function assessClusterInfo(info: RedisInfo): RedisInfoAssessment {
  const findings: Finding[] = [];
  const state = info.cluster_state ?? 'unknown';
  const assigned = numberField(info, 'cluster_slots_assigned');
  if (state !== 'ok') findings.push({ status: 'fail', message: CLUSTER_STATE(state) });
  if (assigned !== CLUSTER_SLOT_COUNT) findings.push({ status: 'fail', message: CLUSTER_SLOTS(assigned) });
  const measurements: Record<string, number> = {};
  for (const [name, key] of [
    ['clusterSlotsAssigned', 'cluster_slots_assigned'],
    ['clusterSlotsFail', 'cluster_slots_fail'],
    ['clusterKnownNodes', 'cluster_known_nodes'],
    ['clusterSize', 'cluster_size'],
  ] as const) {
    const value = numberField(info, key);
    if (value !== undefined) measurements[name] = value;
  }
  return { findings, measurements, details: { clusterState: state } };
}
