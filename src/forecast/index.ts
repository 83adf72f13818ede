export * from './schema.js';
export * from './load.js';
export * from './forecast.js';
export * from './result.js';
export * from './archetypes.js';
export * from './quick.js';
export { Range } from './range.js';
export { turnInputTokens, cachedTokens } from './conversation.js';
export { WEEKS_PER_MONTH } from './month.js';
