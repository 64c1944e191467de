/** Every text the Redis check writes. */

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export { NOT_A_REDIS_CLIENT as CLIENT_REQUIRED } from '../../stores/redis/messages.js';

export const CLIENT_NOT_READY = (status: string) =>
  `Redis client is not ready (status "${status}"); not waiting for it to reconnect`;
export const NO_READY_CLUSTER_NODE = 'no cluster node connection is ready';

export const LOADING = (etaSeconds: number | undefined) =>
  `Redis is loading its dataset into memory${etaSeconds === undefined ? '' : ` (about ${etaSeconds} s left)`}`;
export const REPLICA_LINK_DOWN = (downSinceSeconds: number | undefined) =>
  `replica has lost its link to the master${downSinceSeconds === undefined ? '' : ` (down for ${downSinceSeconds} s)`}`;
export const MEMORY_HIGH = (ratio: number, warnRatio: number) =>
  `memory at ${percent(ratio)} of maxmemory (warns from ${percent(warnRatio)})`;
export const MEMORY_FULL_NOEVICTION = (ratio: number, failRatio: number) =>
  `memory at ${percent(ratio)} of maxmemory with maxmemory-policy noeviction: writes will be refused (fails from ${percent(failRatio)})`;
export const RDB_SAVE_FAILED = 'the last RDB background save failed (rdb_last_bgsave_status:err)';
export const AOF_WRITE_FAILED = 'the last AOF write failed (aof_last_write_status:err)';
export const REJECTED_CONNECTIONS_RISING = (delta: number) =>
  `${delta} connection${delta === 1 ? '' : 's'} rejected since the previous check (maxclients reached?)`;
export const CLUSTER_STATE = (state: string) => `cluster_state is "${state}", not "ok"`;
export const CLUSTER_SLOTS = (assigned: number | undefined) =>
  `${assigned ?? 'unknown'} of 16384 hash slots assigned`;
export const REDIS_COMMAND_FAILED = (reason: string) => `Redis command failed: ${reason}`;
