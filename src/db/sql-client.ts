import type { SqliteDb } from './sqlite.js';

/**
 * The few SQL calls the control plane (keys, budgets, alerts, settings) makes, over SQLite or
 * PostgreSQL. Statements use `?` placeholders and SQL both engines accept.
 */
export interface SqlClient {
  readonly engine: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** SQLite only: a synchronous read, for lookups on the hot path that must not wait. */
  allSync?<T>(sql: string, params?: unknown[]): T[];
}

export function sqliteClient(db: SqliteDb): SqlClient {
  return {
    engine: 'sqlite',
    async all<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...params) as T[];
    },
    async run(sql: string, params: unknown[] = []) {
      return db.prepare(sql).run(...params).changes;
    },
    allSync<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...params) as T[];
    },
  };
}
