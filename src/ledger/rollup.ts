import { fnv1a } from '../util/random.js';
import type { LedgerRow } from './types.js';

/** Sums one batch of rows per rollup key, so a batch touches each rollup row once. */
export interface RollupDelta {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costNano: number;
  savedNano: number;
}

let memoDay = NaN;
let memoText = '';

/** The UTC day of a timestamp, `YYYY-MM-DD`. A batch's rows share a day: the last one is remembered. */
export function utcDay(ts: number): string {
  const day = Math.floor(ts / 86_400_000);
  if (day !== memoDay) {
    memoText = new Date(day * 86_400_000).toISOString().slice(0, 10);
    memoDay = day;
  }
  return memoText;
}

export function emptyDelta(): RollupDelta {
  return { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costNano: 0, savedNano: 0 };
}

export function addRow(delta: RollupDelta, row: LedgerRow): void {
  delta.requests += 1;
  delta.errors += row.status >= 400 ? 1 : 0;
  delta.tokensIn += row.tokensIn;
  delta.tokensOut += row.tokensOut;
  delta.costNano += row.costNano;
  delta.savedNano += row.savedNano;
}

/** Groups rows by a key function into summed deltas. */
export function rollUp<K extends unknown[]>(rows: LedgerRow[], keyOf: (r: LedgerRow) => K | undefined): [K, RollupDelta][] {
  const groups = new Map<string, [K, RollupDelta]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (!key) continue;
    const id = key.join('\u0000');
    let group = groups.get(id);
    if (!group) groups.set(id, (group = [key, emptyDelta()]));
    addRow(group[1], row);
  }
  return [...groups.values()];
}

export type SavingKind = 'response_cache' | 'embeddings_cache' | 'routing' | 'prompt_cache';

/** Where a row's savings came from. */
export function savingsOf(row: LedgerRow): [SavingKind, number][] {
  const out: [SavingKind, number][] = [];
  if (row.savedNano !== 0) {
    const kind: SavingKind = row.endpoint === 'openai-embeddings' ? 'embeddings_cache' : row.cache === 'hit' ? 'response_cache' : 'routing';
    out.push([kind, row.savedNano]);
  }
  if (row.promptCacheSavedNano > 0) out.push(['prompt_cache', row.promptCacheSavedNano]);
  return out;
}

/**
 * Each conversation falls in one of SAMPLE_BUCKETS buckets by a hash of its id (stable): the cost
 * distribution reads buckets 0..k-1 only, with k as small as still gives enough conversations.
 */
export const SAMPLE_BUCKETS = 1024;
/** Bucket counts tried in turn, smallest first; the last reads everything. */
export const SAMPLE_STEPS = [1, 8, 64, SAMPLE_BUCKETS];
/** Enough conversations for stable medians and P90s. */
export const SAMPLE_TARGET = 2000;

export function conversationBucket(id: string): number {
  return fnv1a(id) % SAMPLE_BUCKETS;
}

/** Per conversation of a batch: its summed delta and the first and last day it was seen. */
export function conversationTotals(rows: LedgerRow[]): [[string, string], RollupDelta, string, string][] {
  const out = new Map<string, [[string, string], RollupDelta, string, string]>();
  for (const r of rows) {
    if (!r.conversation) continue;
    const id = `${r.conversation}\u0000${r.app}`;
    const day = utcDay(r.ts);
    let e = out.get(id);
    if (!e) out.set(id, (e = [[r.conversation, r.app], emptyDelta(), day, day]));
    addRow(e[1], r);
    if (day < e[2]) e[2] = day;
    if (day > e[3]) e[3] = day;
  }
  return [...out.values()];
}
