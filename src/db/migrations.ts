import type { Migration } from './sqlite.js';

/** The embedded database's schema: ledger, rollups, keys, settings. */
export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledger (
        id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        app TEXT NOT NULL,
        key_id TEXT,
        feature TEXT,
        customer TEXT,
        conversation TEXT,
        user TEXT,
        tags TEXT,
        endpoint TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        requested_model TEXT NOT NULL,
        returned_model TEXT,
        stream INTEGER NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT,
        usage TEXT NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        cache TEXT,
        estimated INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        catalog_version TEXT NOT NULL,
        route TEXT
      );
      CREATE INDEX ledger_ts ON ledger (ts);
      CREATE INDEX ledger_app_ts ON ledger (app, ts);
      CREATE INDEX ledger_conversation ON ledger (conversation) WHERE conversation IS NOT NULL;

      -- Rollups are maintained as rows are written, in the same transaction: reports never scan the ledger.
      CREATE TABLE rollup_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (day, app, provider, model, feature, customer)
      );
      CREATE TABLE rollup_conversation_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        conversation TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (day, app, conversation)
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        name TEXT,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );

      CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE budgets (id TEXT PRIMARY KEY, definition TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        message TEXT NOT NULL,
        details TEXT NOT NULL,
        delivered_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX alerts_ts ON alerts (ts);
    `,
  },
  {
    version: 3,
    sql: `
      ALTER TABLE ledger ADD COLUMN prompt_cache_saved_nano INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE rollup_hour (
        hour INTEGER NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (hour, app, provider, model, feature, customer)
      );
      CREATE TABLE rollup_savings_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        kind TEXT NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (day, app, kind)
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- The daily rollup without the customer dimension: ~100× smaller than rollup_day when there are
      -- thousands of customers, so every chart that does not split or filter by customer stays fast.
      CREATE TABLE rollup_compact_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        feature TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (day, app, provider, model, feature)
      );
      INSERT INTO rollup_compact_day
        SELECT day, app, provider, model, feature, SUM(requests), SUM(errors), SUM(tokens_in), SUM(tokens_out), SUM(cost_nano), SUM(saved_nano)
        FROM rollup_day GROUP BY day, app, provider, model, feature;
    `,
  },
  {
    version: 5,
    sql: `
      -- One row per conversation: the most expensive ones come from the cost index, and the cost
      -- distribution from hash buckets of conversations (rollup.ts conversationBucket; exact when few).
      CREATE TABLE rollup_conversation (
        conversation TEXT NOT NULL,
        app TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        requests INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        sampled INTEGER NOT NULL,
        PRIMARY KEY (conversation, app)
      );
      CREATE INDEX rollup_conversation_cost ON rollup_conversation (cost_nano DESC);
      CREATE INDEX rollup_conversation_sample ON rollup_conversation (sampled, last_day);
      CREATE TABLE rollup_customer_day (
        day TEXT NOT NULL,
        app TEXT NOT NULL,
        customer TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_nano INTEGER NOT NULL,
        saved_nano INTEGER NOT NULL,
        PRIMARY KEY (day, app, customer)
      );
    `,
  },
  {
    version: 6,
    sql: `
      -- Output quality: one row per score given to a request, with the request's app, feature and model
      -- copied from its ledger row (the join is made once, when the score arrives).
      CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        request_ts INTEGER NOT NULL,
        app TEXT NOT NULL,
        feature TEXT NOT NULL,
        model TEXT NOT NULL,
        score REAL NOT NULL,
        raw_score REAL NOT NULL,
        scale TEXT NOT NULL,
        label TEXT,
        comment TEXT
      );
      CREATE INDEX feedback_request_ts ON feedback (request_ts);
      CREATE INDEX feedback_request ON feedback (request_id);
      -- Each time someone reviewed an app's models (burnrate review --mark-reviewed).
      CREATE TABLE app_reviews (
        id TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        ts INTEGER NOT NULL,
        reviewer TEXT,
        note TEXT
      );
      CREATE INDEX app_reviews_app_ts ON app_reviews (app, ts);
      -- Attention items someone has seen and dealt with, by their stable key.
      CREATE TABLE attention_acks (
        key TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        acked_by TEXT,
        note TEXT
      );
    `,
  },
  {
    version: 7,
    sql: `
      -- Per-customer totals over a range group by customer: a covering index in customer order lets
      -- SQLite aggregate without sorting (breakdown by customer on thousands of customers).
      CREATE INDEX rollup_customer_day_by_customer
        ON rollup_customer_day (customer, day, app, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano);
    `,
  },
  {
    version: 8,
    sql: `
      -- The sampled review queue: prompts and completions of a share of the requests of apps that opt in
      -- to storing content (storeContent, reviewSampleRate), for a person to grade. id = the ledger row's id.
      CREATE TABLE review_samples (
        id TEXT PRIMARY KEY,
        ts INTEGER NOT NULL,
        app TEXT NOT NULL,
        feature TEXT,
        model TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        prompt TEXT NOT NULL,
        prompt_preview TEXT NOT NULL,
        completion TEXT NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0,
        verdict TEXT CHECK (verdict IN ('good', 'bad')),
        reviewer TEXT,
        note TEXT,
        reviewed_at INTEGER
      );
      CREATE INDEX review_samples_ts ON review_samples (ts);
      CREATE INDEX review_samples_pending ON review_samples (app, ts) WHERE verdict IS NULL;
    `,
  },
  {
    version: 9,
    sql: `
      -- What a request needed of its model beyond text, so the model review only suggests models that can serve it.
      ALTER TABLE ledger ADD COLUMN uses_tools INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE ledger ADD COLUMN uses_images INTEGER NOT NULL DEFAULT 0;
    `,
  },
];
