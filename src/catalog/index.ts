export * from './types.js';
export * from './catalog.js';
export * from './cost.js';
export * from './overrides.js';
export { maxOutputFor } from './patches.js';
