export * from './budget-schema.js';
export * from './budget-guard.js';
export * from './budget-store.js';
export * from './limits-schema.js';
export * from './loop-breaker.js';
export * from './periods.js';
export * from './rate-limiter.js';
export * from './worst-case.js';
