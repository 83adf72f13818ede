import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../db/sql-client.js';

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
  ts: number | string;
  kind: AlertKind;
  message: string;
  details: string;
  delivered_at: number | string | null;
  attempts: number;
  last_error: string | null;
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  ts: Number(r.ts),
  kind: r.kind,
  message: r.message,
  details: JSON.parse(r.details) as Record<string, unknown>,
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  attempts: Number(r.attempts),
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
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: SqlClient,
    private readonly webhooks: string[],
    private readonly post: (url: string, body: string) => Promise<void> = postJson,
  ) {}

  /**
   * Records an alert unless one with the same dedupe key exists (in this process or, through the
   * database's unique key, in any other), then delivers it. Never throws: alerting must not fail a request.
   */
  raise(kind: AlertKind, dedupeKey: string, message: string, details: Record<string, unknown> = {}): void {
    if (this.raised.has(dedupeKey)) return;
    this.raised.add(dedupeKey);
    this.pending = this.pending
      .then(() =>
        this.sql.run('INSERT INTO alerts (id, ts, kind, dedupe_key, message, details) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING', [
          `alert_${randomUUID().slice(0, 12)}`, Date.now(), kind, dedupeKey, message, JSON.stringify(details),
        ]),
      )
      .then((inserted) => {
        if (inserted === 1) this.schedule(0);
      })
      .catch((err: unknown) => console.error(`burnrate: could not record alert ${dedupeKey}: ${(err as Error).message}`));
  }

  /** Waits for alerts being recorded (tests, shutdown). */
  settled(): Promise<void> {
    return this.pending;
  }

  async list(limit = 100): Promise<Alert[]> {
    await this.pending;
    return (await this.sql.all<AlertRow>('SELECT * FROM alerts ORDER BY ts DESC LIMIT ?', [limit])).map(toAlert);
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
      const pending = await this.sql.all<AlertRow>('SELECT * FROM alerts WHERE delivered_at IS NULL AND attempts < ? ORDER BY ts', [MAX_ATTEMPTS]);
      let nextRetry: number | undefined;
      for (const row of pending) {
        const alert = toAlert(row);
        const body = JSON.stringify({ text: `:rotating_light: Burnrate: ${alert.message}`, kind: alert.kind, id: alert.id, ts: new Date(alert.ts).toISOString(), details: alert.details });
        try {
          for (const url of this.webhooks) await this.post(url, body);
          await this.sql.run('UPDATE alerts SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?', [now, alert.id]);
        } catch (err) {
          await this.sql.run('UPDATE alerts SET attempts = attempts + 1, last_error = ? WHERE id = ?', [(err as Error).message.slice(0, 300), alert.id]);
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
