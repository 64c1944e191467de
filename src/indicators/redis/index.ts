export { redisCheck, type RedisCheckOptions } from './redis.health.js';
