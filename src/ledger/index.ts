export * from './types.js';
export * from './rollup.js';
export { SqliteLedger } from './sqlite/sqlite-ledger.js';
export { SqliteLedgerQueries } from './sqlite/sqlite-queries.js';
