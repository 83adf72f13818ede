import { randomUUID } from 'node:crypto';
import type { SqliteDb } from '../db/sqlite.js';

export type AlertKind = 'budget_threshold' | 'budget_projection' | 'loop_detected' | 'unknown_model' | 'anomaly';

export interface Alert {
  id: string;
  ts: number;
  kind: AlertKind;
  message: string;
  details: Record<string, unknown>;
  deliveredAt: number | null;
  attempts: number;
  lastError: string | null;
}

/** Backoff between delivery attempts: 1 s, 2 s, 4 s ... capped at 5 min, 10 attempts. */
const MAX_ATTEMPTS = 10;
const backoffMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** attempts);

interface AlertRow {
  id: string;
  ts: number;
  kind: AlertKind;
  message: string;
  details: string;
  delivered_at: number | null;
  attempts: number;
  last_error: string | null;
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  ts: r.ts,
  kind: r.kind,
  message: r.message,
  details: JSON.parse(r.details) as Record<string, unknown>,
  deliveredAt: r.delivered_at,
  attempts: r.attempts,
  lastError: r.last_error,
});

/**
 * Alerts, each raised once per dedupe key (e.g. one per budget threshold per period), kept in the
 * database and posted to webhooks as JSON with a Slack-compatible `text` field, retried with backoff.
 */
export class AlertCenter {
  private timer: NodeJS.Timeout | undefined;
  private delivering = false;
  /** Dedupe keys already raised by this process: repeats skip the database. */
  private readonly raised = new Set<string>();

  constructor(
    private readonly db: SqliteDb,
    private readonly webhooks: string[],
    private readonly post: (url: string, body: string) => Promise<void> = postJson,
  ) {}

  /** Records an alert unless one with the same dedupe key exists; returns whether it is new. */
  raise(kind: AlertKind, dedupeKey: string, message: string, details: Record<string, unknown> = {}): boolean {
    if (this.raised.has(dedupeKey)) return false;
    this.raised.add(dedupeKey);
    const inserted =
      this.db
        .prepare('INSERT OR IGNORE INTO alerts (id, ts, kind, dedupe_key, message, details) VALUES (?, ?, ?, ?, ?, ?)')
        .run(`alert_${randomUUID().slice(0, 12)}`, Date.now(), kind, dedupeKey, message, JSON.stringify(details)).changes === 1;
    if (inserted) this.schedule(0);
    return inserted;
  }

  list(limit = 100): Alert[] {
    return (this.db.prepare('SELECT * FROM alerts ORDER BY ts DESC LIMIT ?').all(limit) as AlertRow[]).map(toAlert);
  }

  private schedule(delayMs: number): void {
    if (this.webhooks.length === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.deliver();
    }, delayMs);
    this.timer.unref();
  }

  /** Posts every undelivered alert whose backoff has elapsed. */
  async deliver(now = Date.now()): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      const pending = this.db.prepare('SELECT * FROM alerts WHERE delivered_at IS NULL AND attempts < ? ORDER BY ts').all(MAX_ATTEMPTS) as AlertRow[];
      let nextRetry: number | undefined;
      for (const row of pending) {
        const alert = toAlert(row);
        const body = JSON.stringify({ text: `:rotating_light: Burnrate: ${alert.message}`, kind: alert.kind, id: alert.id, ts: new Date(alert.ts).toISOString(), details: alert.details });
        try {
          for (const url of this.webhooks) await this.post(url, body);
          this.db.prepare('UPDATE alerts SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, alert.id);
        } catch (err) {
          this.db.prepare('UPDATE alerts SET attempts = attempts + 1, last_error = ? WHERE id = ?').run((err as Error).message.slice(0, 300), alert.id);
          const wait = backoffMs(alert.attempts);
          nextRetry = nextRetry === undefined ? wait : Math.min(nextRetry, wait);
        }
      }
      if (nextRetry !== undefined) this.schedule(nextRetry);
    } finally {
      this.delivering = false;
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

async function postJson(url: string, body: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}
