import type { SqlClient } from '../db/sql-client.js';
import type { ReviewSample, ReviewSampleSummary, SampleVerdict } from './sample-types.js';

export type { ReviewQueueApp, ReviewSample, ReviewSampleList, ReviewSampleSummary, SampleVerdict } from './sample-types.js';
export { SAMPLE_VERDICTS } from './sample-types.js';

/** A captured request, as the gateway hands it over: a sample before anyone reviewed it. */
export type NewReviewSample = Pick<ReviewSample, 'id' | 'ts' | 'app' | 'feature' | 'model' | 'endpoint' | 'prompt' | 'promptPreview' | 'completion' | 'truncated'>;

export type SampleStatus = 'pending' | 'reviewed' | 'all';

export interface SampleListQuery {
  app?: string | undefined;
  status?: SampleStatus;
  limit?: number;
}

export interface SampleCounts {
  app: string;
  pending: number;
  reviewed: number;
  bad: number;
}

const COLUMNS = 'id, ts, app, feature, model, endpoint, prompt, prompt_preview, completion, truncated';
const SUMMARY = 'id, ts, app, feature, model, endpoint, truncated, prompt_preview, substr(completion, 1, 200) AS completion_preview, verdict, reviewer, note, reviewed_at';
const PREVIEW_CHARS = 200;

interface SummaryRow {
  id: string;
  ts: number | string;
  app: string;
  feature: string | null;
  model: string;
  endpoint: string;
  truncated: number | string;
  prompt_preview: string;
  completion_preview: string;
  verdict: string | null;
  reviewer: string | null;
  note: string | null;
  reviewed_at: number | string | null;
}

interface FullRow extends SummaryRow {
  prompt: string;
  completion: string;
}

// PostgreSQL answers BIGINT (and SUM) as strings.
const num = (v: number | string) => Number(v);

function summaryOf(r: SummaryRow): ReviewSampleSummary {
  return {
    id: r.id,
    ts: num(r.ts),
    app: r.app,
    feature: r.feature || null,
    model: r.model,
    endpoint: r.endpoint,
    truncated: num(r.truncated) === 1,
    promptPreview: r.prompt_preview,
    completionPreview: r.completion_preview,
    verdict: (r.verdict as SampleVerdict | null) ?? null,
    reviewer: r.reviewer,
    note: r.note,
    reviewedAt: r.reviewed_at === null ? null : num(r.reviewed_at),
  };
}

/**
 * The `review_samples` table (SQLite migration 8, PostgreSQL control plane): requests of apps that opt
 * in to storing content, kept for a person to grade. Over the async SqlClient, so both engines work.
 */
export class ReviewSampleStore {
  constructor(private readonly sql: SqlClient) {}

  /** Inserts a batch in one statement; a sample already stored (same request id) is left as it is. */
  async insert(samples: NewReviewSample[]): Promise<number> {
    if (samples.length === 0) return 0;
    const values: unknown[] = [];
    for (const s of samples) {
      values.push(s.id, s.ts, s.app, s.feature, s.model, s.endpoint, s.prompt, s.promptPreview.slice(0, PREVIEW_CHARS), s.completion, s.truncated ? 1 : 0);
    }
    const row = `(${Array(10).fill('?').join(', ')})`;
    return this.sql.run(`INSERT INTO review_samples (${COLUMNS}) VALUES ${Array(samples.length).fill(row).join(', ')} ON CONFLICT (id) DO NOTHING`, values);
  }

  /** Newest first, without the bodies. */
  async list(q: SampleListQuery = {}): Promise<ReviewSampleSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const status = q.status ?? 'pending';
    if (status === 'pending') where.push('verdict IS NULL');
    else if (status === 'reviewed') where.push('verdict IS NOT NULL');
    if (q.app) {
      where.push('app = ?');
      params.push(q.app);
    }
    params.push(Math.max(1, Math.min(500, Math.floor(q.limit ?? 50))));
    const rows = await this.sql.all<SummaryRow>(
      `SELECT ${SUMMARY} FROM review_samples ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(summaryOf);
  }

  async get(id: string): Promise<ReviewSample | undefined> {
    const [r] = await this.sql.all<FullRow>(`SELECT ${SUMMARY}, prompt, completion FROM review_samples WHERE id = ?`, [id]);
    return r ? { ...summaryOf(r), prompt: r.prompt, completion: r.completion } : undefined;
  }

  /** Pending, reviewed and bad samples per app. */
  async counts(): Promise<SampleCounts[]> {
    const rows = await this.sql.all<{ app: string; pending: number | string; reviewed: number | string; bad: number | string }>(
      `SELECT app,
         SUM(CASE WHEN verdict IS NULL THEN 1 ELSE 0 END) AS pending,
         SUM(CASE WHEN verdict IS NULL THEN 0 ELSE 1 END) AS reviewed,
         SUM(CASE WHEN verdict = 'bad' THEN 1 ELSE 0 END) AS bad
       FROM review_samples GROUP BY app ORDER BY app`,
    );
    return rows.map((r) => ({ app: r.app, pending: num(r.pending), reviewed: num(r.reviewed), bad: num(r.bad) }));
  }

  /** Records (or changes) the verdict; undefined when there is no such sample. */
  async setVerdict(id: string, verdict: SampleVerdict, reviewer: string | null, note: string | null, now = Date.now()): Promise<ReviewSample | undefined> {
    const changed = await this.sql.run('UPDATE review_samples SET verdict = ?, reviewer = ?, note = ?, reviewed_at = ? WHERE id = ?', [verdict, reviewer, note, now, id]);
    return changed ? this.get(id) : undefined;
  }

  /**
   * Keeps an app's unreviewed queue to its newest `keep` samples (reviewed ones stay: they are the
   * record). Returns how many were removed.
   */
  async trimPending(app: string, keep: number): Promise<number> {
    return this.sql.run(
      `DELETE FROM review_samples WHERE app = ? AND verdict IS NULL AND ts < (
         SELECT ts FROM review_samples WHERE app = ? AND verdict IS NULL ORDER BY ts DESC LIMIT 1 OFFSET ?)`,
      [app, app, Math.max(0, keep - 1)],
    );
  }
}
