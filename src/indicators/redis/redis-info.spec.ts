import { assessClusterInfo, assessRedisInfo, parseRedisInfo } from './redis-info';

const thresholds = { memoryWarnRatio: 0.9, memoryFailRatio: 0.98 };

/** An INFO reply as Redis 7 writes it (CRLF, section headers), with the given fields overriding healthy ones. */
function infoReply(overrides: Record<string, string | number> = {}): string {
  const fields: Record<string, string | number> = {
    redis_version: '7.0.15',
    redis_mode: 'standalone',
    uptime_in_seconds: 357,
    connected_clients: 3,
    maxclients: 10000,
    blocked_clients: 0,
    used_memory: 1_000_000,
    maxmemory: 0,
    maxmemory_policy: 'noeviction',
    loading: 0,
    rdb_last_bgsave_status: 'ok',
    aof_last_write_status: 'ok',
    rejected_connections: 0,
    evicted_keys: 0,
    role: 'master',
    connected_slaves: 0,
    ...overrides,
  };
  return ['# Server', ...Object.entries(fields).map(([k, v]) => `${k}:${v}`), ''].join('\r\n');
}

const assess = (overrides: Record<string, string | number> = {}, previousRejected?: number) =>
  assessRedisInfo(parseRedisInfo(infoReply(overrides)), thresholds, previousRejected);
const statuses = (result: ReturnType<typeof assess>) => result.findings.map((f) => f.status);

describe('parseRedisInfo', () => {
  it('reads key:value lines of several replies, skipping headers and blank lines, keeping colons in values', () => {
    const info = parseRedisInfo('# Server\r\nredis_version:7.0.15\r\n\r\nexecutable:/usr/bin/redis-server\r\n', '# Clients\nconnected_clients:4\n');
    expect(info).toEqual({ redis_version: '7.0.15', executable: '/usr/bin/redis-server', connected_clients: '4' });
  });
});

describe('assessRedisInfo', () => {
  it('passes a healthy master with no memory limit and reports numbers only as measurements', () => {
    const result = assess();
    expect(result.findings).toEqual([]);
    expect(result.measurements).toEqual({
      usedMemoryBytes: 1_000_000,
      rejectedConnections: 0,
      connectedClients: 3,
      maxClients: 10000,
      blockedClients: 0,
      connectedReplicas: 0,
      evictedKeys: 0,
      uptimeSeconds: 357,
    });
    expect(result.details).toMatchObject({ redisVersion: '7.0.15', role: 'master', maxmemoryPolicy: 'noeviction' });
  });

  it('fails while the dataset is loading', () => {
    const result = assess({ loading: 1, loading_eta_seconds: 12 });
    expect(statuses(result)).toEqual(['fail']);
    expect(result.findings[0]!.message).toContain('loading');
    expect(result.findings[0]!.message).toContain('12 s');
  });

  it('fails a replica whose master link is down, and ignores the field on a master', () => {
    const replica = assess({ role: 'slave', master_link_status: 'down', master_link_down_since_seconds: 30 });
    expect(statuses(replica)).toEqual(['fail']);
    expect(replica.findings[0]!.message).toContain('link to the master');
    expect(statuses(assess({ role: 'slave', master_link_status: 'up' }))).toEqual([]);
  });

  it('warns from the warn ratio of maxmemory, whatever the policy', () => {
    const lru = assess({ used_memory: 91, maxmemory: 100, maxmemory_policy: 'allkeys-lru' });
    expect(statuses(lru)).toEqual(['warn']);
    expect(lru.measurements).toMatchObject({ memoryUsedRatio: 0.91, maxMemoryBytes: 100 });
    expect(statuses(assess({ used_memory: 89, maxmemory: 100, maxmemory_policy: 'allkeys-lru' }))).toEqual([]);
  });

  it('fails near full only under noeviction; with eviction it stays a warning', () => {
    const noeviction = assess({ used_memory: 99, maxmemory: 100, maxmemory_policy: 'noeviction' });
    expect(statuses(noeviction)).toEqual(['fail']);
    expect(noeviction.findings[0]!.message).toContain('noeviction');
    expect(statuses(assess({ used_memory: 95, maxmemory: 100, maxmemory_policy: 'noeviction' }))).toEqual(['warn']);
    expect(statuses(assess({ used_memory: 99, maxmemory: 100, maxmemory_policy: 'volatile-lru' }))).toEqual(['warn']);
  });

  it('ignores memory ratios without a maxmemory, and honours custom thresholds', () => {
    expect(statuses(assess({ used_memory: 10 ** 12, maxmemory: 0 }))).toEqual([]);
    const custom = assessRedisInfo(parseRedisInfo(infoReply({ used_memory: 60, maxmemory: 100 })), {
      memoryWarnRatio: 0.5,
      memoryFailRatio: 0.55,
    });
    expect(custom.findings.map((f) => f.status)).toEqual(['fail']);
  });

  it('warns on RDB and AOF persistence errors', () => {
    const result = assess({ rdb_last_bgsave_status: 'err', aof_last_write_status: 'err' });
    expect(statuses(result)).toEqual(['warn', 'warn']);
    expect(result.findings.map((f) => f.message).join(' ')).toMatch(/RDB.*AOF/);
  });

  it('warns when rejected_connections rose since the previous run, not on a steady or first value', () => {
    expect(statuses(assess({ rejected_connections: 7 }))).toEqual([]);
    expect(statuses(assess({ rejected_connections: 7 }, 7))).toEqual([]);
    const rising = assess({ rejected_connections: 9 }, 7);
    expect(statuses(rising)).toEqual(['warn']);
    expect(rising.findings[0]!.message).toContain('2 connections rejected');
  });
});

describe('assessClusterInfo', () => {
  it('passes an ok cluster with every slot assigned', () => {
    const result = assessClusterInfo(parseRedisInfo('cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:6\r\n'));
    expect(result.findings).toEqual([]);
    expect(result.measurements).toMatchObject({ clusterSlotsAssigned: 16384, clusterKnownNodes: 6 });
  });

  it('fails a cluster in state fail or with unassigned slots', () => {
    const result = assessClusterInfo(parseRedisInfo('cluster_state:fail\r\ncluster_slots_assigned:8000\r\n'));
    expect(result.findings.map((f) => f.status)).toEqual(['fail', 'fail']);
    expect(result.findings.map((f) => f.message).join(' ')).toContain('8000 of 16384');
  });
});
