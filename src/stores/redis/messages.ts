/** Texts of the Redis stores and the Redis check, in one place. */
export const NOT_A_REDIS_CLIENT = (got: string) => `must be an ioredis Redis or Cluster instance, got ${got}`;
