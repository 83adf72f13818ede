import type { Maybe } from '../util/maybe.js';

/**
 * Shared counters behind budgets, rate limits and the loop breaker. The in-process implementation
 * serves one gateway and answers at once; a Redis one (same interface) serves several and answers with
 * promises. Every operation that checks and changes a counter is atomic.
 */

/**
 * One budget a reservation must fit in: `spent + reserved + amount ≤ limit`. A calendar period has
 * one counter (`key`, e.g. `b:team:2026-11`); a rolling window sums its hourly buckets (`spentKeys`)
 * and books spend in the current one (`spendKey`).
 */
export interface ReserveItem {
  /** Where reservations are held (and, for calendar periods, spend too). */
  key: string;
  /** Counters whose spend adds up to the budget's spend (default: [key]). */
  spentKeys?: string[];
  /** Where settled spend goes (default: key). */
  spendKey?: string;
  limitNano: number;
  amountNano: number;
}

/** A reservation's handle, opaque to callers: a string in Redis, the reservation itself in this process. */
export type ReservationId = string | object;

export type ReserveResult =
  /** `levels`: each item's spend and reservations right after this one was added, in `items` order. */
  | { ok: true; reservationId: ReservationId; levels: CounterSnapshot[] }
  | { ok: false; key: string; spentNano: number; reservedNano: number };

export interface CounterSnapshot {
  spentNano: number;
  reservedNano: number;
}

export interface BudgetState {
  /** Reserves `amountNano` on every item, or on none if any would exceed its limit. */
  reserve(items: ReserveItem[], leaseMs: number): Maybe<ReserveResult>;
  /**
   * Turns a reservation into spend of `actualNano` on each of its counters. Returns false when the
   * reservation is gone (its lease ended, or Redis lost it): the caller then books the spend itself.
   */
  settle(reservationId: ReservationId, actualNano: number): Maybe<boolean>;
  /** Drops a reservation without spending. */
  release(reservationId: ReservationId): Maybe<void>;
  /** Adds spend directly (requests not reserved in advance, e.g. soft budgets). */
  add(key: string, amountNano: number): Maybe<void>;
  snapshot(item: Pick<ReserveItem, 'key' | 'spentKeys'>): Maybe<CounterSnapshot>;
  /** Sets a counter's spend when it is rebuilt from the ledger, unless it already exists. */
  seed(key: string, spentNano: number): Maybe<void>;
}

/** Sliding-window counters for rate limits and the loop breaker. */
export interface WindowState {
  /** Adds `amount` to the window counter and returns the total within the last `windowMs`. */
  hit(key: string, amount: number, windowMs: number, now: number): Maybe<number>;
  /** The current total without adding. */
  peek(key: string, windowMs: number, now: number): Maybe<number>;
  /** Marks `key` tripped until `until` (ms). */
  trip(key: string, until: number): Maybe<void>;
  /** When `key` is tripped, the time it reopens; else undefined. */
  trippedUntil(key: string, now: number): Maybe<number | undefined>;
  /** True when this state knows at once that no key is tripped (in-process state; Redis must ask). */
  noneTripped?(): boolean;
  reset(key: string): Maybe<void>;
}

/** Bounded key-value storage with expiry, for the response and embeddings caches. */
export interface CacheStore {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlMs: number): Promise<void>;
  /** Removes every entry whose key starts with `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}
