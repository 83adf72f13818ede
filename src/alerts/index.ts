export * from './alert-center.js';
