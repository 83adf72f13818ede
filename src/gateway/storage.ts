import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { SQLITE_MIGRATIONS } from '../db/migrations.js';
import { openSqlite, type SqliteDb } from '../db/sqlite.js';
import { sqliteClient, type SqlClient } from '../db/sql-client.js';
import { SqliteLedger, SqliteLedgerQueries, type LedgerQueries, type LedgerStore } from '../ledger/index.js';
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
 * connection's search_path); otherwise the embedded SQLite file in the data directory.
 */
export async function openStorage(config: Config, env: NodeJS.ProcessEnv): Promise<Storage> {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const [{ PostgresLedger }, { pgClient, PG_CONTROL_PLANE_SQL }] = await Promise.all([import('../ledger/postgres/index.js'), import('../db/pg-client.js')]);
    const ledger = await PostgresLedger.open(url, {
      spoolDir: join(config.dataDir, `spool-${process.pid}`),
      ...(env.BURNRATE_PG_SCHEMA ? { schema: env.BURNRATE_PG_SCHEMA } : {}),
    });
    await ledger.pool.query(PG_CONTROL_PLANE_SQL);
    return { engine: 'postgres', sql: pgClient(ledger.pool), ledger, queries: ledger.queries(), close: () => ledger.close() };
  }
  const db = openSqlite(join(config.dataDir, 'burnrate.db'), SQLITE_MIGRATIONS);
  const ledger = new SqliteLedger(db, { writerThread: true });
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
