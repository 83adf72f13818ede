export * from './key-store.js';
export * from './admin-token.js';
