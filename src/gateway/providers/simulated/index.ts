export * from './adapter.js';
export * from './engine.js';
export * from './server.js';
export { planUsage, type Plan } from './plan.js';
export type { SimEvent, SimReply } from './reply.js';
export { embeddingVector, DEFAULT_DIMENSIONS } from './embeddings-reply.js';
