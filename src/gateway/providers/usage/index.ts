export * from './readers.js';
export { chatUsage, responsesUsage, embeddingsUsage } from './openai-usage.js';
export { messageUsage } from './anthropic-usage.js';
export { DeferredStreamReader } from './deferred-reader.js';
