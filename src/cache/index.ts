export * from './schema.js';
export * from './cacheability.js';
export * from './entry.js';
