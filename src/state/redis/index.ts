export { connectRedis, redactUrl, type ConnectOptions, type RedisConnection } from './connect.js';
export { BudgetCountersLostError, RedisBudgetState, type RedisBudgetOptions } from './redis-budget-state.js';
export { RedisWindowState } from './redis-window-state.js';
export { RedisCacheStore, type RedisCacheOptions } from './redis-cache-store.js';
export { counterTtlMs, Keyspace, type CounterTtlOptions } from './keys.js';
export { createRedisState } from './redis-state.js';
