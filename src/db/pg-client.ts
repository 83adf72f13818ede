import type { Pool } from 'pg';
import type { SqlClient } from './sql-client.js';

/** `?` placeholders to PostgreSQL's `$1, $2...` (the control plane's SQL has no `?` in literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function pgClient(pool: Pool): SqlClient {
  return {
    engine: 'postgres',
    async all<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(numberPlaceholders(sql), params)).rows as T[];
    },
    async run(sql: string, params: unknown[] = []) {
      return (await pool.query(numberPlaceholders(sql), params)).rowCount ?? 0;
    },
  };
}

/** The control plane's tables on PostgreSQL (the SQLite ones come with the embedded migrations). */
export const PG_CONTROL_PLANE_SQL = `
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, app TEXT NOT NULL, name TEXT, prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL, revoked_at BIGINT
  );
  CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS budgets (id TEXT PRIMARY KEY, definition TEXT NOT NULL, updated_at BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, ts BIGINT NOT NULL, kind TEXT NOT NULL, dedupe_key TEXT NOT NULL UNIQUE, message TEXT NOT NULL,
    details TEXT NOT NULL, delivered_at BIGINT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
  );
`;
