export * from './schema.js';
export * from './router.js';
