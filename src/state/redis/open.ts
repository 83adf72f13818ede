import type { RedisState, RedisStateOptions } from './redis-state.js';

export type { RedisState, RedisStateOptions };

/**
 * Connects the shared state for `REDIS_URL`. Loaded on demand: ioredis takes 130–200 ms to import,
 * which the default single-process setup and the CLI should not pay.
 */
export async function openRedisState(url: string, options: RedisStateOptions = {}): Promise<RedisState> {
  const { createRedisState } = await import('./redis-state.js');
  return createRedisState(url, options);
}
