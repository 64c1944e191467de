export { redisCheck, type RedisCheckOptions } from './redis.health.js';
export { redisMaintenanceStore, type RedisMaintenanceStoreOptions } from '../../maintenance/redis/redis-maintenance.store.js';
export { redisSharedResultStore, type RedisSharedResultStoreOptions } from '../../maintenance/redis/redis-shared-result.store.js';
