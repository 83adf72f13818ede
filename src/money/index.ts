export * from './nano.js';
export * from './format.js';
