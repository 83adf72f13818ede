export * from './types.js';
export { MemoryBudgetState } from './memory-budget-state.js';
export { MemoryWindowState } from './memory-window-state.js';
export { MemoryCacheStore } from './memory-cache-store.js';
