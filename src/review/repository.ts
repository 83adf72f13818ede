import { randomUUID } from 'node:crypto';
import { USAGE_KINDS, type Usage } from '../catalog/types.js';
import type { SqliteDb } from '../db/sqlite.js';
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

const KIND_SUMS = USAGE_KINDS.map((k) => `SUM(COALESCE(json_extract(usage, '$.${k}'), 0)) AS "u_${k}"`).join(',\n  ');
const NOT_CACHE_HIT = `(cache IS NULL OR cache <> 'hit')`;

/**
 * The SQL the review needs, straight over the SQLite database the gateway writes (ledger rows and
 * the review's own tables from migration 6). PostgreSQL is not supported yet.
 */
export class ReviewRepository {
  constructor(private readonly db: SqliteDb) {}

  /**
   * Usage by (app, feature, model, endpoint kind) in the period, each split into bands of input size
   * at `thresholds` (the catalog's long-context tier boundaries), so every request of a band pays the
   * same tier on any model and summed usage can be priced exactly.
   */
  usageGroups(period: Period, thresholds: number[], app?: string): UsageGroup[] {
    const sorted = [...new Set(thresholds)].sort((a, b) => a - b);
    const band = sorted.length ? sorted.map(() => '(tokens_in > ?)').join(' + ') : '0';
    const rows = this.db
      .prepare(
        `SELECT app, COALESCE(feature, '') AS feature, model,
           CASE WHEN endpoint = 'openai-embeddings' THEN 'embeddings' ELSE 'chat' END AS kind,
           ${band} AS band, COUNT(*) AS requests, SUM(status >= 400) AS errors, SUM(stream) AS streamed,
           SUM(cost_nano) AS costNano, MAX(tokens_in) AS maxTokensIn, MAX(tokens_out) AS maxTokensOut,
           ${KIND_SUMS}
         FROM ledger
         WHERE ts >= ? AND ts < ? AND ${NOT_CACHE_HIT} AND endpoint <> 'anthropic-count-tokens' ${app ? 'AND app = ?' : ''}
         GROUP BY app, feature, model, kind, band
         ORDER BY app, feature, model, kind, band`,
      )
      .all(...sorted, period.from, period.to, ...(app ? [app] : [])) as Record<string, number | string>[];
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
          requests: 0, errors: 0, streamed: 0, costNano: 0, maxTokensIn: 0, maxTokensOut: 0, usage: {}, bands: [],
        };
        groups.set(key, g);
      }
      g.requests += Number(r.requests);
      g.errors += Number(r.errors);
      g.streamed += Number(r.streamed);
      g.costNano += Number(r.costNano);
      g.maxTokensIn = Math.max(g.maxTokensIn, Number(r.maxTokensIn));
      g.maxTokensOut = Math.max(g.maxTokensOut, Number(r.maxTokensOut));
      for (const [k, v] of Object.entries(usage) as [keyof Usage, number][]) g.usage[k] = (g.usage[k] ?? 0) + v;
      g.bands.push({ maxTokensIn: Number(r.maxTokensIn), requests: Number(r.requests), usage });
    }
    return [...groups.values()];
  }

  /** Requests, errors and median latency per model over the period (cache hits left out). */
  modelStats(period: Period): ModelStats[] {
    const counts = this.db
      .prepare(
        `SELECT model, COUNT(*) AS requests, SUM(status >= 400) AS errors, SUM(status < 400) AS ok
         FROM ledger WHERE ts >= ? AND ts < ? AND ${NOT_CACHE_HIT} GROUP BY model`,
      )
      .all(period.from, period.to) as { model: string; requests: number; errors: number; ok: number }[];
    const median = this.db.prepare(
      `SELECT latency_ms AS v FROM ledger WHERE model = ? AND ts >= ? AND ts < ? AND status < 400 AND ${NOT_CACHE_HIT}
       ORDER BY latency_ms LIMIT 1 OFFSET ?`,
    );
    return counts.map((c) => {
      const row = c.ok > 0 ? (median.get(c.model, period.from, period.to, Math.floor((c.ok - 1) / 2)) as { v: number } | undefined) : undefined;
      return { model: c.model, requests: c.requests, errors: c.errors, p50LatencyMs: row ? row.v : null };
    });
  }

  /** The ledger row a score is about: its time, app, feature and model. */
  requestForFeedback(id: string): { ts: number; app: string; feature: string; model: string } | undefined {
    return this.db.prepare(`SELECT ts, app, COALESCE(feature, '') AS feature, model FROM ledger WHERE id = ?`).get(id) as
      | { ts: number; app: string; feature: string; model: string }
      | undefined;
  }

  addFeedback(f: FeedbackRecord, now = Date.now()): string {
    const id = `fb_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    this.db
      .prepare(
        `INSERT INTO feedback (id, ts, request_id, request_ts, app, feature, model, score, raw_score, scale, label, comment)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, now, f.requestId, f.requestTs, f.app, f.feature, f.model, f.score, f.rawScore, f.scale, f.label, f.comment);
    return id;
  }

  /** Scores on requests made in the period, per model, app and feature. */
  feedbackSummary(period: Period, app?: string): FeedbackGroup[] {
    return this.db
      .prepare(
        `SELECT model, app, feature, COUNT(*) AS count, AVG(score) AS meanScore FROM feedback
         WHERE request_ts >= ? AND request_ts < ? ${app ? 'AND app = ?' : ''}
         GROUP BY model, app, feature ORDER BY model, app, feature`,
      )
      .all(period.from, period.to, ...(app ? [app] : [])) as FeedbackGroup[];
  }

  markReviewed(app: string, reviewer: string | null, note: string | null, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO app_reviews (id, app, ts, reviewer, note) VALUES (?, ?, ?, ?, ?)')
      .run(`rv_${randomUUID().replace(/-/g, '').slice(0, 16)}`, app, now, reviewer, note);
  }

  lastReviews(): Map<string, number> {
    const rows = this.db.prepare('SELECT app, MAX(ts) AS ts FROM app_reviews GROUP BY app').all() as { app: string; ts: number }[];
    return new Map(rows.map((r) => [r.app, r.ts]));
  }

  acknowledge(key: string, by: string | null, note: string | null, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO attention_acks (key, ts, acked_by, note) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET ts = excluded.ts, acked_by = excluded.acked_by, note = excluded.note')
      .run(key, now, by, note);
  }

  acknowledged(): Set<string> {
    return new Set((this.db.prepare('SELECT key FROM attention_acks').all() as { key: string }[]).map((r) => r.key));
  }

  /** Every app that has a live key or sent a request since `since`, with when it was first seen. */
  knownApps(since: number): { app: string; firstTs: number | null }[] {
    const rows = this.db
      .prepare(
        `SELECT app, MIN(first) AS firstTs FROM (
           SELECT app, NULL AS first FROM api_keys WHERE revoked_at IS NULL
           UNION ALL SELECT app, MIN(ts) AS first FROM ledger GROUP BY app HAVING MAX(ts) >= ?
         ) GROUP BY app ORDER BY app`,
      )
      .all(since) as { app: string; firstTs: number | null }[];
    return rows;
  }

  /** Distinct (app, model) pairs seen in the period, from the daily rollup. */
  modelsInUse(period: Period): { app: string; model: string; costNano: number; requests: number }[] {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return this.db
      .prepare(
        `SELECT app, model, SUM(cost_nano) AS costNano, SUM(requests) AS requests FROM rollup_compact_day
         WHERE day >= ? AND day <= ? GROUP BY app, model ORDER BY app, model`,
      )
      .all(day(period.from), day(period.to - 1)) as { app: string; model: string; costNano: number; requests: number }[];
  }

  /** Requests for models the catalog has no price for (recorded at $0) in the period, per app and model. */
  unknownModelRequests(period: Period): { app: string; model: string; requests: number; lastTs: number }[] {
    return this.db
      .prepare(
        `SELECT app, model, COUNT(*) AS requests, MAX(ts) AS lastTs FROM ledger
         WHERE ts >= ? AND ts < ? AND error_code IN ('unpriced_model', 'unknown_model')
         GROUP BY app, model ORDER BY requests DESC`,
      )
      .all(period.from, period.to) as { app: string; model: string; requests: number; lastTs: number }[];
  }

  /**
   * For each (app, requested model, model sent upstream), the returned model ids seen in the period with
   * their first and last time. The model sent is part of the key: routing to another model is not a
   * version change.
   */
  returnedModelSpans(period: Period): ReturnedModelSpan[] {
    return this.db
      .prepare(
        `SELECT app, requested_model AS requestedModel, model, returned_model AS returnedModel, MIN(ts) AS firstTs, MAX(ts) AS lastTs, COUNT(*) AS requests
         FROM ledger WHERE ts >= ? AND ts < ? AND returned_model IS NOT NULL AND returned_model <> ''
         GROUP BY app, requested_model, model, returned_model ORDER BY app, requestedModel, model, firstTs`,
      )
      .all(period.from, period.to) as ReturnedModelSpan[];
  }

  /** The returned model id of the last request before `before` for this app, requested model and model sent. */
  returnedModelBefore(app: string, requestedModel: string, model: string, before: number): string | undefined {
    const row = this.db
      .prepare(
        `SELECT returned_model AS m FROM ledger WHERE app = ? AND ts < ? AND requested_model = ? AND model = ? AND returned_model IS NOT NULL AND returned_model <> ''
         ORDER BY ts DESC LIMIT 1`,
      )
      .get(app, before, requestedModel, model) as { m: string } | undefined;
    return row?.m;
  }

  /** Alerts raised since `since`, newest first. */
  alertsSince(since: number): { id: string; ts: number; kind: string; message: string; details: string }[] {
    return this.db.prepare('SELECT id, ts, kind, message, details FROM alerts WHERE ts >= ? ORDER BY ts DESC LIMIT 200').all(since) as {
      id: string; ts: number; kind: string; message: string; details: string;
    }[];
  }
}
