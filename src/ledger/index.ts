export * from './types.js';
export * from './rollup.js';
export { SqliteLedger } from './sqlite/sqlite-ledger.js';
