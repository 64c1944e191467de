export { redisCheck, type RedisCheckOptions } from './redis.health.js';
export { redisMaintenanceStore, type RedisMaintenanceStoreOptions } from '../../stores/redis/redis-maintenance.store.js';
export { redisSharedResultStore, type RedisSharedResultStoreOptions } from '../../stores/redis/redis-shared-result.store.js';
export { redisFleetStore, type RedisFleetStoreOptions } from '../../stores/redis/redis-fleet.store.js';
export type { RedisClient } from '../../stores/redis/redis-connection.js';
