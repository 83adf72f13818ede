export * from './adapter.js';
export * from './usage-chunk-filter.js';
