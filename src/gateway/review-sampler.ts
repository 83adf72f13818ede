import { reviewSampleRateOf, type AppSettings } from '../config/schema.js';
import type { LedgerRow } from '../ledger/types.js';
import type { NewReviewSample, ReviewSampleStore } from '../review/samples.js';
import { fnv1a } from '../util/random.js';
import type { MeterInput } from './meter.js';
import { USAGE_READERS } from './providers/index.js';
import type { Dialect } from './providers/types.js';

/** Wire formats with a prompt and a generated answer worth grading (not embeddings or token counts). */
const SAMPLED: ReadonlySet<string> = new Set<Dialect>(['openai-chat', 'openai-responses', 'anthropic-messages']);

export interface ReviewSamplerOptions {
  /** Size cap of the stored prompt JSON and of the completion, each (bytes of UTF-8). */
  maxBytes?: number;
  /** Samples wait at most this long in memory before they are written. */
  flushMs?: number;
  /** A batch this large is written at once. */
  batchSize?: number;
  /** Beyond this many waiting samples (the database is slow or away), new ones are dropped. */
  maxQueued?: number;
  /** Unreviewed samples kept per app (the newest); older pending ones are removed. */
  maxPendingPerApp?: number;
}

interface Offered {
  meter: MeterInput;
  row: LedgerRow;
  /** The assembled text of a stream, or the JSON body of a buffered answer (read when written). */
  answer: string | Buffer;
}

/**
 * Whether request `id` is in the sample: a fixed hash of the id, so the decision is the same everywhere.
 * FNV-1a then a murmur3 finaliser: ids share their leading (time) digits, and every bit must count.
 */
export function inSample(id: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  let h = fnv1a(id);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0 < rate * 4294967296;
}

/** A string cut to `maxBytes` of UTF-8 (never inside a character). */
export function cutUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { text, cut: false };
  let out = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  if (out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return { text: out, cut: true };
}

function shortenStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') return value.length > limit ? `${value.slice(0, limit)}… [${value.length - limit} more characters]` : value;
  if (Array.isArray(value)) return value.map((v) => shortenStrings(v, limit));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenStrings(v, limit)]));
  return value;
}

/**
 * The request body as JSON, at most `maxBytes`: when it is larger, long strings (messages, documents,
 * images as data URLs) are shortened until it fits, so it stays valid JSON; as a last resort it is cut.
 */
export function promptJson(body: Record<string, unknown>, maxBytes: number): { text: string; truncated: boolean } {
  const full = JSON.stringify(body);
  if (Buffer.byteLength(full) <= maxBytes) return { text: full, truncated: false };
  for (let limit = 16_384; limit >= 64; limit = Math.floor(limit / 4)) {
    const text = JSON.stringify(shortenStrings(body, limit));
    if (Buffer.byteLength(text) <= maxBytes) return { text, truncated: true };
  }
  return { text: cutUtf8(full, maxBytes).text, truncated: true };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') parts.push(text);
  }
  return parts.join(' ');
}

/** The last user turn's text: chat and Messages `messages`, or the Responses API's `input`. */
export function lastUserText(body: Record<string, unknown>): string {
  const turns = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : undefined;
  if (turns) {
    for (let i = turns.length - 1; i >= 0; i--) {
      const turn = turns[i] as { role?: unknown; content?: unknown } | null;
      if (turn?.role === 'user') return textOf(turn.content);
    }
    return '';
  }
  if (typeof body.input === 'string') return body.input;
  return typeof body.prompt === 'string' ? body.prompt : '';
}

/**
 * The sampled review queue's capture side. The pipeline offers the answered requests of apps that opt
 * in (`storeContent`); a share of them (`reviewSampleRate`, decided from the request id) waits here and
 * is written in batches off the request path: serialising, size-capping and the insert happen on a
 * timer, never awaited by a response. A failed write is logged and dropped; it never reaches a client.
 */
export class ReviewSampler {
  private queue: Offered[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly lastTrim = new Map<string, number>();
  private readonly maxBytes: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly maxPendingPerApp: number;

  constructor(
    readonly store: ReviewSampleStore,
    options: ReviewSamplerOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 64 * 1024;
    this.flushMs = options.flushMs ?? 500;
    this.batchSize = options.batchSize ?? 50;
    this.maxQueued = options.maxQueued ?? 1000;
    this.maxPendingPerApp = options.maxPendingPerApp ?? 1000;
  }

  /**
   * A recorded request of an app with `storeContent`. `answer`: a stream's assembled text, or a
   * buffered answer's JSON body. Cheap: a hash of the id, and a push when sampled.
   */
  offer(app: AppSettings, meter: MeterInput, row: LedgerRow, answer: string | Buffer): void {
    try {
      if (row.status >= 400 || !SAMPLED.has(row.endpoint) || !inSample(row.id, reviewSampleRateOf(app))) return;
      if (this.queue.length >= this.maxQueued) {
        this.dropped++;
        return;
      }
      this.queue.push({ meter, row, answer });
      if (this.queue.length >= this.batchSize) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
    } catch (err) {
      console.error(`burnrate: review sample of ${row.id} skipped: ${(err as Error).message}`);
    }
  }

  /** Writes what is waiting; resolves when every sample offered so far is written (or given up). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: Offered[]): Promise<void> {
    let samples: NewReviewSample[] = [];
    try {
      samples = batch.map((o) => this.sampleOf(o));
      await this.store.insert(samples);
    } catch (err) {
      console.error(`burnrate: could not store ${batch.length} review sample(s): ${(err as Error).message}`);
    }
    if (this.dropped > 0) {
      console.error(`burnrate: ${this.dropped} review sample(s) dropped: the queue was full`);
      this.dropped = 0;
    }
    await this.trim(new Set(samples.map((s) => s.app)));
  }

  private sampleOf({ meter, row, answer }: Offered): NewReviewSample {
    const prompt = promptJson(meter.body, this.maxBytes);
    const completion = cutUtf8(typeof answer === 'string' ? answer : completionOf(row.endpoint as Dialect, answer), this.maxBytes);
    return {
      id: row.id,
      ts: row.ts,
      app: row.app,
      feature: row.feature,
      model: row.model,
      endpoint: row.endpoint,
      prompt: prompt.text,
      promptPreview: lastUserText(meter.body).slice(0, 200),
      completion: completion.text,
      truncated: prompt.truncated || completion.cut,
    };
  }

  /** At most once a minute per app: the pending queue keeps its newest `maxPendingPerApp` samples. */
  private async trim(apps: Set<string>): Promise<void> {
    const now = Date.now();
    for (const app of apps) {
      if (now - (this.lastTrim.get(app) ?? 0) < 60_000) continue;
      this.lastTrim.set(app, now);
      try {
        await this.store.trimPending(app, this.maxPendingPerApp);
      } catch (err) {
        console.error(`burnrate: could not trim the review queue of ${app}: ${(err as Error).message}`);
      }
    }
  }
}

/** The generated text of a buffered answer, read the way usage is read. */
function completionOf(dialect: Dialect, body: Buffer): string {
  const reader = USAGE_READERS[dialect].streamReader();
  reader.push(body);
  return reader.result().outputText;
}
