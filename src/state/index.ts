export * from './types.js';
export { MemoryBudgetState } from './memory-budget-state.js';
export { MemoryWindowState } from './memory-window-state.js';
export { MemoryCacheStore } from './memory-cache-store.js';
// Redis (several instances): loaded on demand; import './redis/index.js' for the classes themselves.
export { openRedisState, type RedisState, type RedisStateOptions } from './redis/open.js';
