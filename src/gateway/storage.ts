import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { SQLITE_MIGRATIONS } from '../db/migrations.js';
import { openSqlite, type SqliteDb } from '../db/sqlite.js';
import { sqliteClient, type SqlClient } from '../db/sql-client.js';
import { SqliteLedger, SqliteLedgerQueries, type LedgerQueries, type LedgerStore } from '../ledger/index.js';
import { JournaledLedger } from '../ledger/journal.js';
import { MemoryBudgetState, MemoryCacheStore, MemoryWindowState, openRedisState, type BudgetState, type CacheStore, type WindowState } from '../state/index.js';

/** Where the ledger and the control plane (keys, budgets, alerts, settings) live. */
export interface Storage {
  engine: 'sqlite' | 'postgres';
  sql: SqlClient;
  ledger: LedgerStore;
  queries: LedgerQueries;
  /** The SQLite database (embedded mode only). */
  db?: SqliteDb;
  close(): Promise<void>;
}

/**
 * `DATABASE_URL=postgres://...` puts everything in PostgreSQL (schema from `BURNRATE_PG_SCHEMA`, or the
 * connection's search_path); otherwise the embedded SQLite file in the data directory. Either way rows
 * are journaled in the data directory until written, so a killed process loses none it acknowledged.
 */
export async function openStorage(config: Config, env: NodeJS.ProcessEnv): Promise<Storage> {
  const url = env.DATABASE_URL;
  const journalDir = join(config.dataDir, 'journal');
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const [{ PostgresLedger, adoptOrphanSpools }, { pgClient, PG_CONTROL_PLANE_SQL }] = await Promise.all([import('../ledger/postgres/index.js'), import('../db/pg-client.js')]);
    const spoolDir = join(config.dataDir, `spool-${process.pid}`);
    await adoptOrphanSpools(config.dataDir, spoolDir);
    const pgLedger = await PostgresLedger.open(url, { spoolDir, ...(env.BURNRATE_PG_SCHEMA ? { schema: env.BURNRATE_PG_SCHEMA } : {}) });
    await pgLedger.pool.query(PG_CONTROL_PLANE_SQL);
    const { ledger } = JournaledLedger.open(pgLedger, journalDir);
    return { engine: 'postgres', sql: pgClient(pgLedger.pool), ledger, queries: pgLedger.queries(), close: () => ledger.close() };
  }
  const db = openSqlite(join(config.dataDir, 'burnrate.db'), SQLITE_MIGRATIONS);
  const { ledger } = JournaledLedger.open(new SqliteLedger(db, { writerThread: true }), journalDir);
  return {
    engine: 'sqlite',
    sql: sqliteClient(db),
    ledger,
    queries: new SqliteLedgerQueries(db, () => ledger.flush()),
    db,
    async close() {
      await ledger.close();
      db.close();
    },
  };
}

/** Counters, rate windows, breaker and cache: in this process, or shared through Redis. */
export interface SharedState {
  budgets: BudgetState;
  windows: WindowState;
  cache: CacheStore;
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/** `REDIS_URL=redis://...` shares state between gateway instances (key prefix from `BURNRATE_REDIS_PREFIX`). */
export async function openSharedState(config: Config, env: NodeJS.ProcessEnv): Promise<SharedState> {
  if (env.REDIS_URL) return openRedisState(env.REDIS_URL, { prefix: env.BURNRATE_REDIS_PREFIX ?? 'burnrate:' });
  return {
    budgets: new MemoryBudgetState(),
    windows: new MemoryWindowState(),
    cache: new MemoryCacheStore(config.cacheMaxMegabytes * 1024 * 1024),
    onReconnect: () => undefined,
    close: async () => undefined,
  };
}
