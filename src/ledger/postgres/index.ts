export { PostgresLedger, type PostgresLedgerOptions } from './pg-ledger.js';
export { PostgresLedgerQueries } from './pg-queries.js';
export { migrate, PG_MIGRATIONS, type PgMigration } from './migrations.js';
export { Partitions, monthOf, monthBounds, partitionName, type Month } from './partitions.js';
export { adoptOrphanSpools } from './spool.js';
