export * from './counter.js';
export * from './families.js';
export * from './media.js';
export * from './body-text.js';
