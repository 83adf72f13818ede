import type { Pool } from 'pg';
import { withClient } from './connection.js';

/** A versioned migration of the PostgreSQL ledger schema; each runs once, in order. */
export interface PgMigration {
  version: number;
  sql: string;
}

/**
 * The ledger in PostgreSQL: the same tables and meaning as the SQLite schema (src/db/migrations.ts), with
 * native types (BIGINT money and epoch-ms, BOOLEAN flags, JSONB usage and tags) and the raw ledger
 * partitioned by month on `ts`, so an old month is detached (and archived or dropped) without a DELETE.
 * Monthly partitions are created on demand by the writer (partitions.ts); the DEFAULT partition only
 * catches rows no monthly partition covers, so nothing is ever refused.
 */
export const PG_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledger (
        id TEXT NOT NULL,
        ts BIGINT NOT NULL,
        app TEXT NOT NULL,
        key_id TEXT,
        feature TEXT,
        customer TEXT,
        conversation TEXT,
        "user" TEXT,
        tags JSONB,
        endpoint TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        requested_model TEXT NOT NULL,
        returned_model TEXT,
        stream BOOLEAN NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT,
        usage JSONB NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        prompt_cache_saved_nano BIGINT NOT NULL DEFAULT 0,
        cache TEXT,
        estimated BOOLEAN NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        catalog_version TEXT NOT NULL,
        route TEXT,
        -- A partitioned table's unique keys must contain the partition key: (id, ts) is unique, and a
        -- retried row carries the same id and ts, so ON CONFLICT (id, ts) DO NOTHING makes retries idempotent.
        PRIMARY KEY (id, ts)
      ) PARTITION BY RANGE (ts);
      CREATE TABLE ledger_default PARTITION OF ledger DEFAULT;
      CREATE INDEX ledger_ts ON ledger (ts);
      CREATE INDEX ledger_app_ts ON ledger (app, ts);
      CREATE INDEX ledger_conversation ON ledger (conversation) WHERE conversation IS NOT NULL;

      -- Rollups are maintained in the transaction that inserts the rows: reports never scan the ledger.
      -- Like SQLite, "no value" is stored as '' so it can be part of the primary key.
      CREATE TABLE rollup_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (day, app, provider, model, feature, customer)
      );
      -- rollup_day without the customer dimension: far smaller with many customers, so every chart that
      -- neither splits nor filters by customer reads it instead.
      CREATE TABLE rollup_compact_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (day, app, provider, model, feature)
      );
      -- Per customer and day, only for rows that name a customer.
      CREATE TABLE rollup_customer_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (day, app, customer)
      );
      -- Hourly charts do not split by customer: like SQLite, customer is always '' here.
      CREATE TABLE rollup_hour (
        hour BIGINT NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (hour, app, provider, model, feature, customer)
      );
      CREATE TABLE rollup_conversation_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        conversation TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (day, app, conversation)
      );
      -- One row per conversation: the most expensive come from the cost index, the cost distribution
      -- from hash buckets of conversations (rollup.ts conversationBucket).
      CREATE TABLE rollup_conversation (
        conversation TEXT NOT NULL,
        app TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        requests BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL,
        sampled SMALLINT NOT NULL,
        PRIMARY KEY (conversation, app)
      );
      CREATE INDEX rollup_conversation_cost ON rollup_conversation (cost_nano DESC);
      CREATE INDEX rollup_conversation_sample ON rollup_conversation (sampled, last_day);
      CREATE TABLE rollup_savings_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        kind TEXT NOT NULL,
        saved_nano BIGINT NOT NULL,
        PRIMARY KEY (day, app, kind)
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- What a request needed of its model beyond text, so the model review only suggests models that can serve it.
      ALTER TABLE ledger ADD COLUMN IF NOT EXISTS uses_tools BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE ledger ADD COLUMN IF NOT EXISTS uses_images BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 3,
    sql: `
      -- The conversation cost distribution (interactions: pg-queries.ts conversationCosts) reads the hash
      -- buckets sampled < k for k in SAMPLE_STEPS (1, 8, 64, then all 1024). With only (sampled, last_day)
      -- every match was a heap fetch from anywhere in the table: 15,700 conversations of one app took
      -- 58,000 page reads, 230-320 ms on 10 M conversations. Covering the columns the query reads makes
      -- it an index-only scan (~12 ms). Partial, for the sampled steps only (1/16 of the conversations:
      -- ~40 MB for 10 M, and most rollup upserts never touch it); reading all buckets is a scan anyway.
      -- A plain CREATE INDEX (the migration runs in a transaction) briefly holds rollup writes while it
      -- builds: about a second on 10 M conversations.
      CREATE INDEX IF NOT EXISTS rollup_conversation_sample_cover ON rollup_conversation (sampled, last_day)
        INCLUDE (app, first_day, cost_nano) WHERE sampled < 64;
    `,
  },
];

/**
 * Advisory-lock key shared by every Burnrate instance for schema changes (migrations and partition
 * creation): one instance migrates, the others wait and then find nothing left to do.
 */
export const SCHEMA_LOCK_KEY = 0x4275726e; // "Burn"

/** The component name in `schema_migrations`, so other parts can keep their own versions in the same table. */
const SCOPE = 'ledger';

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock, so several
 * instances starting together neither race nor half-apply (PostgreSQL DDL is transactional).
 */
export async function migrate(pool: Pool, migrations: PgMigration[] = PG_MIGRATIONS, schema?: string): Promise<number[]> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        scope TEXT NOT NULL, version INTEGER NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (scope, version))`);
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE scope = $1', [SCOPE])).rows.map((r) => r.version),
      );
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (scope, version, applied_at) VALUES ($1, $2, $3)', [SCOPE, m.version, Date.now()]);
        applied.push(m.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/** Quotes an SQL identifier (schema and partition names are built from input). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
