import { randomUUID } from 'node:crypto';
import { USAGE_KINDS, type Usage } from '../catalog/types.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Period } from './period.js';

/** Chat traffic (chat completions, responses, messages) or embeddings traffic. */
export type EndpointKind = 'chat' | 'embeddings';

/** Usage summed over the requests of one group whose input size fell in one price-tier band. */
export interface UsageBand {
  /** Largest input (tokens) of one request in the band: it selects the band's long-context tier. */
  maxTokensIn: number;
  requests: number;
  usage: Usage;
}

/** The traffic of one (app, feature, model, endpoint kind) over the period, cache hits left out. */
export interface UsageGroup {
  app: string;
  /** '' when requests named no feature. */
  feature: string;
  model: string;
  kind: EndpointKind;
  requests: number;
  errors: number;
  /** Requests that streamed their answer: a sign of interactive traffic. */
  streamed: number;
  /** What the ledger says the traffic cost. */
  costNano: number;
  maxTokensIn: number;
  maxTokensOut: number;
  /** Requests that offered tools, and that sent images: a candidate must support what any of them needed. */
  withTools: number;
  withImages: number;
  usage: Usage;
  bands: UsageBand[];
}

export interface ModelStats {
  model: string;
  requests: number;
  errors: number;
  /** Median latency of successful requests; null when none succeeded. */
  p50LatencyMs: number | null;
}

export interface FeedbackRecord {
  requestId: string;
  requestTs: number;
  app: string;
  feature: string;
  model: string;
  score: number;
  rawScore: number;
  scale: string;
  label: string | null;
  comment: string | null;
}

export interface FeedbackGroup {
  model: string;
  app: string;
  feature: string;
  count: number;
  meanScore: number;
}

export interface Acknowledgement {
  /** When, ISO. */
  at: string;
  by: string | null;
  note: string | null;
}

export interface ReturnedModelSpan {
  app: string;
  requestedModel: string;
  /** The model sent upstream (after routing). */
  model: string;
  returnedModel: string;
  firstTs: number;
  lastTs: number;
  requests: number;
}

type Row = Record<string, unknown>;

/** Counts the rows where `condition` holds (PostgreSQL booleans cannot be summed; SQLite's 0/1 could). */
const countWhere = (condition: string) => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
const NOT_CACHE_HIT = `(cache IS NULL OR cache <> 'hit')`;
const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;

/** One kind of a ledger row's usage: JSON text in SQLite, JSONB in PostgreSQL. */
function usageKind(engine: SqlClient['engine'], kind: string): string {
  return engine === 'postgres' ? `(usage->>'${kind}')::numeric` : `json_extract(usage, '$.${kind}')`;
}

/**
 * The SQL the review needs, over the database the gateway writes (SQLite or PostgreSQL): ledger rows,
 * the daily rollup, keys and alerts, and the review's own tables. Statements are written once, in SQL both
 * engines accept (only reading `usage` differs); aliases are quoted (PostgreSQL folds unquoted names to
 * lower case), and every count or sum goes through Number (PostgreSQL returns BIGINT and NUMERIC as
 * strings unless the pool parses them).
 */
export class ReviewRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Usage by (app, feature, model, endpoint kind) in the period, each split into bands of input size
   * at `thresholds` (the catalog's long-context tier boundaries), so every request of a band pays the
   * same tier on any model and summed usage can be priced exactly.
   */
  async usageGroups(period: Period, thresholds: number[], app?: string): Promise<UsageGroup[]> {
    const sorted = [...new Set(thresholds)].sort((a, b) => a - b);
    const band = sorted.length ? sorted.map(() => 'CASE WHEN tokens_in > ? THEN 1 ELSE 0 END').join(' + ') : '0';
    const kindSums = USAGE_KINDS.map((k) => `SUM(COALESCE(${usageKind(this.sql.engine, k)}, 0)) AS "u_${k}"`).join(',\n  ');
    const rows = await this.sql.all<Row>(
      `SELECT app, COALESCE(feature, '') AS feature, model,
         CASE WHEN endpoint = 'openai-embeddings' THEN 'embeddings' ELSE 'chat' END AS kind,
         ${band} AS band, COUNT(*) AS requests, ${countWhere('status >= 400')} AS errors, ${countWhere('stream')} AS streamed,
         SUM(cost_nano) AS "costNano", MAX(tokens_in) AS "maxTokensIn", MAX(tokens_out) AS "maxTokensOut",
         ${countWhere('uses_tools')} AS "withTools", ${countWhere('uses_images')} AS "withImages",
         ${kindSums}
       FROM ledger
       WHERE ts >= ? AND ts < ? AND ${NOT_CACHE_HIT} AND endpoint <> 'anthropic-count-tokens' ${app ? 'AND app = ?' : ''}
       GROUP BY app, feature, model, kind, band
       ORDER BY app, feature, model, kind, band`,
      [...sorted, period.from, period.to, ...(app ? [app] : [])],
    );
    const groups = new Map<string, UsageGroup>();
    for (const r of rows) {
      const key = [r.app, r.feature, r.model, r.kind].join('\u0000');
      const usage: Usage = {};
      for (const k of USAGE_KINDS) {
        const v = Number(r[`u_${k}`] ?? 0);
        if (v) usage[k] = v;
      }
      let g = groups.get(key);
      if (!g) {
        g = {
          app: String(r.app), feature: String(r.feature), model: String(r.model), kind: r.kind as EndpointKind,
          requests: 0, errors: 0, streamed: 0, costNano: 0, maxTokensIn: 0, maxTokensOut: 0, withTools: 0, withImages: 0, usage: {}, bands: [],
        };
        groups.set(key, g);
      }
      g.requests += Number(r.requests);
      g.errors += Number(r.errors);
      g.streamed += Number(r.streamed);
      g.costNano += Number(r.costNano);
      g.maxTokensIn = Math.max(g.maxTokensIn, Number(r.maxTokensIn));
      g.maxTokensOut = Math.max(g.maxTokensOut, Number(r.maxTokensOut));
      g.withTools += Number(r.withTools);
      g.withImages += Number(r.withImages);
      for (const [k, v] of Object.entries(usage) as [keyof Usage, number][]) g.usage[k] = (g.usage[k] ?? 0) + v;
      g.bands.push({ maxTokensIn: Number(r.maxTokensIn), requests: Number(r.requests), usage });
    }
    return [...groups.values()];
  }

  /** Requests, errors and median latency per model over the period (cache hits left out). */
  async modelStats(period: Period): Promise<ModelStats[]> {
    const counts = await this.sql.all<Row>(
      `SELECT model, COUNT(*) AS requests, ${countWhere('status >= 400')} AS errors, ${countWhere('status < 400')} AS ok
       FROM ledger WHERE ts >= ? AND ts < ? AND ${NOT_CACHE_HIT} GROUP BY model`,
      [period.from, period.to],
    );
    return Promise.all(
      counts.map(async (c) => {
        const ok = Number(c.ok);
        // The (lower) median: the middle one of the successful requests in latency order.
        const [middle] = ok > 0
          ? await this.sql.all<Row>(
            `SELECT latency_ms AS v FROM ledger WHERE model = ? AND ts >= ? AND ts < ? AND status < 400 AND ${NOT_CACHE_HIT}
             ORDER BY latency_ms LIMIT 1 OFFSET ?`,
            [c.model, period.from, period.to, Math.floor((ok - 1) / 2)],
          )
          : [];
        return { model: String(c.model), requests: Number(c.requests), errors: Number(c.errors), p50LatencyMs: middle ? Number(middle.v) : null };
      }),
    );
  }

  /** The ledger row a score is about: its time, app, feature and model. */
  async requestForFeedback(id: string): Promise<{ ts: number; app: string; feature: string; model: string } | undefined> {
    const [r] = await this.sql.all<Row>(`SELECT ts, app, COALESCE(feature, '') AS feature, model FROM ledger WHERE id = ? LIMIT 1`, [id]);
    return r && { ts: Number(r.ts), app: String(r.app), feature: String(r.feature), model: String(r.model) };
  }

  async addFeedback(f: FeedbackRecord, now = Date.now()): Promise<string> {
    const id = newId('fb');
    await this.sql.run(
      `INSERT INTO feedback (id, ts, request_id, request_ts, app, feature, model, score, raw_score, scale, label, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, now, f.requestId, f.requestTs, f.app, f.feature, f.model, f.score, f.rawScore, f.scale, f.label, f.comment],
    );
    return id;
  }

  /** Scores on requests made in the period, per model, app and feature. */
  async feedbackSummary(period: Period, app?: string): Promise<FeedbackGroup[]> {
    const rows = await this.sql.all<Row>(
      `SELECT model, app, feature, COUNT(*) AS count, AVG(score) AS "meanScore" FROM feedback
       WHERE request_ts >= ? AND request_ts < ? ${app ? 'AND app = ?' : ''}
       GROUP BY model, app, feature ORDER BY model, app, feature`,
      [period.from, period.to, ...(app ? [app] : [])],
    );
    return rows.map((r) => ({ model: String(r.model), app: String(r.app), feature: String(r.feature), count: Number(r.count), meanScore: Number(r.meanScore) }));
  }

  async markReviewed(app: string, reviewer: string | null, note: string | null, now = Date.now()): Promise<void> {
    await this.sql.run('INSERT INTO app_reviews (id, app, ts, reviewer, note) VALUES (?, ?, ?, ?, ?)', [newId('rv'), app, now, reviewer, note]);
  }

  async lastReviews(): Promise<Map<string, number>> {
    const rows = await this.sql.all<Row>('SELECT app, MAX(ts) AS ts FROM app_reviews GROUP BY app');
    return new Map(rows.map((r) => [String(r.app), Number(r.ts)]));
  }

  async acknowledge(key: string, by: string | null, note: string | null, now = Date.now()): Promise<void> {
    await this.sql.run(
      'INSERT INTO attention_acks (key, ts, acked_by, note) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET ts = excluded.ts, acked_by = excluded.acked_by, note = excluded.note',
      [key, now, by, note],
    );
  }

  /** Takes an acknowledgement back: the item shows again. False when it was not acknowledged. */
  async unacknowledge(key: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM attention_acks WHERE key = ?', [key])) > 0;
  }

  /** Acknowledged keys, with who acknowledged each, when, and their note. */
  async acknowledged(): Promise<Map<string, Acknowledgement>> {
    const rows = await this.sql.all<Row>('SELECT key, ts, acked_by, note FROM attention_acks');
    return new Map(rows.map((r) => [String(r.key), { at: new Date(Number(r.ts)).toISOString(), by: r.acked_by === null ? null : String(r.acked_by), note: r.note === null ? null : String(r.note) }]));
  }

  /** Every app that has a live key or sent a request since `since`, with when it was first seen. */
  async knownApps(since: number): Promise<{ app: string; firstTs: number | null }[]> {
    const rows = await this.sql.all<Row>(
      `SELECT app, MIN(first_ts) AS "firstTs" FROM (
         SELECT app, NULL AS first_ts FROM api_keys WHERE revoked_at IS NULL
         UNION ALL SELECT app, MIN(ts) AS first_ts FROM ledger GROUP BY app HAVING MAX(ts) >= ?
       ) AS apps GROUP BY app ORDER BY app`,
      [since],
    );
    return rows.map((r) => ({ app: String(r.app), firstTs: r.firstTs === null ? null : Number(r.firstTs) }));
  }

  /** Distinct (app, model) pairs seen in the period, from the daily rollup. */
  async modelsInUse(period: Period): Promise<{ app: string; model: string; costNano: number; requests: number }[]> {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const rows = await this.sql.all<Row>(
      `SELECT app, model, SUM(cost_nano) AS "costNano", SUM(requests) AS requests FROM rollup_compact_day
       WHERE day >= ? AND day <= ? GROUP BY app, model ORDER BY app, model`,
      [day(period.from), day(period.to - 1)],
    );
    return rows.map((r) => ({ app: String(r.app), model: String(r.model), costNano: Number(r.costNano), requests: Number(r.requests) }));
  }

  /** Requests for models the catalog has no price for (recorded at $0) in the period, per app and model. */
  async unknownModelRequests(period: Period): Promise<{ app: string; model: string; requests: number; lastTs: number }[]> {
    const rows = await this.sql.all<Row>(
      `SELECT app, model, COUNT(*) AS requests, MAX(ts) AS "lastTs" FROM ledger
       WHERE ts >= ? AND ts < ? AND error_code IN ('unpriced_model', 'unknown_model')
       GROUP BY app, model ORDER BY requests DESC`,
      [period.from, period.to],
    );
    return rows.map((r) => ({ app: String(r.app), model: String(r.model), requests: Number(r.requests), lastTs: Number(r.lastTs) }));
  }

  /**
   * For each (app, requested model, model sent upstream), the returned model ids seen in the period with
   * their first and last time. The model sent is part of the key: routing to another model is not a
   * version change.
   */
  async returnedModelSpans(period: Period): Promise<ReturnedModelSpan[]> {
    const rows = await this.sql.all<Row>(
      `SELECT app, requested_model AS "requestedModel", model, returned_model AS "returnedModel", MIN(ts) AS "firstTs", MAX(ts) AS "lastTs", COUNT(*) AS requests
       FROM ledger WHERE ts >= ? AND ts < ? AND returned_model IS NOT NULL AND returned_model <> ''
       GROUP BY app, requested_model, model, returned_model ORDER BY app, "requestedModel", model, "firstTs"`,
      [period.from, period.to],
    );
    return rows.map((r) => ({
      app: String(r.app), requestedModel: String(r.requestedModel), model: String(r.model), returnedModel: String(r.returnedModel),
      firstTs: Number(r.firstTs), lastTs: Number(r.lastTs), requests: Number(r.requests),
    }));
  }

  /** The returned model id of the last request before `before` for this app, requested model and model sent. */
  async returnedModelBefore(app: string, requestedModel: string, model: string, before: number): Promise<string | undefined> {
    const [r] = await this.sql.all<Row>(
      `SELECT returned_model AS m FROM ledger WHERE app = ? AND ts < ? AND requested_model = ? AND model = ? AND returned_model IS NOT NULL AND returned_model <> ''
       ORDER BY ts DESC LIMIT 1`,
      [app, before, requestedModel, model],
    );
    return r ? String(r.m) : undefined;
  }

  /** Alerts raised since `since`, newest first. */
  async alertsSince(since: number): Promise<{ id: string; ts: number; kind: string; message: string; details: string }[]> {
    const rows = await this.sql.all<Row>('SELECT id, ts, kind, message, details FROM alerts WHERE ts >= ? ORDER BY ts DESC LIMIT 200', [since]);
    return rows.map((r) => ({ id: String(r.id), ts: Number(r.ts), kind: String(r.kind), message: String(r.message), details: String(r.details) }));
  }
}
