import type { Pool } from 'pg';
import { SCHEMA_LOCK_KEY } from '../ledger/postgres/migrations.js';
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

/**
 * The control plane's tables on PostgreSQL (the SQLite ones come with the embedded migrations). Sent as
 * one simple query, so it runs as one transaction: the advisory lock (the ledger migrations' own) keeps
 * instances starting together on an empty database from racing on CREATE ... IF NOT EXISTS.
 */
export const PG_CONTROL_PLANE_SQL = `
  SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY});
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
  CREATE TABLE IF NOT EXISTS review_samples (
    id TEXT PRIMARY KEY, ts BIGINT NOT NULL, app TEXT NOT NULL, feature TEXT, model TEXT NOT NULL, endpoint TEXT NOT NULL,
    prompt TEXT NOT NULL, prompt_preview TEXT NOT NULL, completion TEXT NOT NULL, truncated INTEGER NOT NULL DEFAULT 0,
    verdict TEXT CHECK (verdict IN ('good', 'bad')), reviewer TEXT, note TEXT, reviewed_at BIGINT
  );
  CREATE INDEX IF NOT EXISTS review_samples_ts ON review_samples (ts);
  CREATE INDEX IF NOT EXISTS review_samples_pending ON review_samples (app, ts) WHERE verdict IS NULL;
  CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts);
  -- The review's tables (SQLite migration 6): feedback scores, app reviews, acknowledged attention items.
  CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, ts BIGINT NOT NULL, request_id TEXT NOT NULL, request_ts BIGINT NOT NULL, app TEXT NOT NULL,
    feature TEXT NOT NULL, model TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, raw_score DOUBLE PRECISION NOT NULL,
    scale TEXT NOT NULL, label TEXT, comment TEXT
  );
  CREATE INDEX IF NOT EXISTS feedback_request_ts ON feedback (request_ts);
  CREATE INDEX IF NOT EXISTS feedback_request ON feedback (request_id);
  CREATE TABLE IF NOT EXISTS app_reviews (id TEXT PRIMARY KEY, app TEXT NOT NULL, ts BIGINT NOT NULL, reviewer TEXT, note TEXT);
  CREATE INDEX IF NOT EXISTS app_reviews_app_ts ON app_reviews (app, ts);
  CREATE TABLE IF NOT EXISTS attention_acks (key TEXT PRIMARY KEY, ts BIGINT NOT NULL, acked_by TEXT, note TEXT);
`;
