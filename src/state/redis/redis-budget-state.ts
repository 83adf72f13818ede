import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetState, CounterSnapshot, ReservationId, ReserveItem, ReserveResult } from '../types.js';
import { Keyspace, counterTtlMs, type CounterTtlOptions } from './keys.js';
import { ADD, FINISH, GENERATION, RESERVE, SEED, SNAPSHOT } from './lua.js';
import { defineScript, int, type ScriptArg, type ScriptFn } from './scripts.js';

export interface RedisBudgetOptions extends CounterTtlOptions {
  prefix?: string;
  /**
   * Called when Redis is found to have lost its data (restarted empty, flushed), once this instance
   * has joined the new dataset: the caller must rebuild its counters from the ledger (`seed`).
   */
  onLost?: () => void;
  /**
   * How long after finding Redis empty before its counters may be rebuilt (default 500 ms): every
   * instance must first have written to the ledger the rows it recorded before the loss (the
   * PostgreSQL ledger flushes every 100 ms). Reservations are refused meanwhile.
   */
  rebuildDelayMs?: number;
}

/** Redis lost the budget counters; they are being rebuilt from the ledger. Nothing was reserved. */
export class BudgetCountersLostError extends Error {
  constructor() {
    super('Redis lost the budget counters (restarted empty?); they are being rebuilt from the ledger, retry shortly');
    this.name = 'BudgetCountersLostError';
  }
}

const GENERATION_TTL_MS = 40 * 86_400_000;

/**
 * Budget counters shared by every gateway instance. Each operation is one Lua script, so
 * check-and-reserve is atomic across instances; reservations carry a lease measured on the Redis
 * clock, so one whose instance died is released after `leaseMs` by the next call touching its key.
 *
 * Redis may lose its data (a restart without persistence). Counters are then rebuilt from the
 * ledger, and until they are, they must not admit anything: an empty counter would let the whole
 * limit be spent again. A random generation id marks the dataset; every reservation carries the one
 * its counters were rebuilt in, and Redis refuses it when the id is missing or different. The
 * instance then waits `rebuildDelayMs` (so every instance's ledger holds the rows recorded before the
 * loss), joins the new generation and calls `onLost`, and its caller rebuilds the counters (`seed`).
 */
export class RedisBudgetState implements BudgetState {
  private readonly keys: Keyspace;
  private readonly reserveScript: ScriptFn;
  private readonly finishScript: ScriptFn;
  private readonly snapshotScript: ScriptFn;
  private readonly addScript: ScriptFn;
  private readonly seedScript: ScriptFn;
  private readonly generationScript: ScriptFn;
  /** The generation this instance's counters were rebuilt in. */
  private generation: Promise<string> | undefined;
  /** Set from finding Redis empty until this instance has joined the new generation. */
  private recovering = false;

  constructor(
    private readonly client: Redis,
    private readonly options: RedisBudgetOptions = {},
  ) {
    this.keys = new Keyspace(options.prefix);
    this.reserveScript = defineScript(client, 'burnrateReserve', RESERVE);
    this.finishScript = defineScript(client, 'burnrateFinish', FINISH);
    this.snapshotScript = defineScript(client, 'burnrateSnapshot', SNAPSHOT);
    this.addScript = defineScript(client, 'burnrateAdd', ADD);
    this.seedScript = defineScript(client, 'burnrateSeed', SEED);
    this.generationScript = defineScript(client, 'burnrateGeneration', GENERATION);
  }

  /** The current generation, joining (or starting) one the first time. */
  private current(): Promise<string> {
    if (!this.generation) {
      const joined = this.generationScript(1, this.keys.generation(), randomBytes(12).toString('base64url'), GENERATION_TTL_MS).then(String);
      this.generation = joined;
      joined.catch(() => {
        if (this.generation === joined) this.generation = undefined; // Redis unreachable: ask again next time
      });
    }
    return this.generation;
  }

  /** Redis lost its data: after the rebuild delay, join the new generation and have the counters rebuilt. */
  private lost(): void {
    if (this.recovering) return;
    this.recovering = true;
    console.error(`burnrate: Redis lost the budget counters; rebuilding them from the ledger in ${this.options.rebuildDelayMs ?? 500} ms`);
    setTimeout(() => {
      this.generation = undefined;
      this.current().then(
        () => {
          this.recovering = false;
          this.options.onLost?.();
        },
        () => {
          this.recovering = false; // Redis down again: the next reservation finds out and retries
        },
      );
    }, this.options.rebuildDelayMs ?? 500).unref();
  }

  /** Checks that Redis still holds this instance's generation (call when the connection comes back). */
  async checkGeneration(): Promise<void> {
    if (!this.generation || this.recovering) return;
    const [mine, theirs] = await Promise.all([this.generation, this.client.get(this.keys.generation())]);
    if (theirs !== mine) this.lost();
  }

  private ttl(key: string, windowHours?: number): number {
    return counterTtlMs(key, windowHours, Date.now(), this.options);
  }

  async reserve(items: ReserveItem[], leaseMs: number): Promise<ReserveResult> {
    if (this.recovering) throw new BudgetCountersLostError();
    const generation = await this.current();
    // A random id, not an INCR: a Redis that lost its data would hand out old ids again.
    const id = randomBytes(12).toString('base64url');
    const keys: string[] = [this.keys.reservation(id), this.keys.generation()];
    const args: ScriptArg[] = [id, Math.max(1, Math.ceil(leaseMs)), items.length, generation, GENERATION_TTL_MS];
    for (const item of items) {
      const spentKeys = item.spentKeys ?? [item.key];
      const spendKey = item.spendKey ?? item.key;
      keys.push(this.keys.holds(item.key), this.keys.reserved(item.key), ...spentKeys.map((k) => this.keys.counter(k)));
      // A rolling window's length is its number of hourly buckets.
      const ttl = this.ttl(spendKey, item.spentKeys?.length);
      args.push(spentKeys.length, int(item.limitNano), int(item.amountNano), this.keys.counter(spendKey), ttl);
    }
    const reply = (await this.reserveScript(keys.length, ...keys, ...args)) as number[];
    if (reply[0] === 1) {
      const levels = items.map((_, i) => ({ spentNano: Number(reply[1 + 2 * i] ?? 0), reservedNano: Number(reply[2 + 2 * i] ?? 0) }));
      return { ok: true, reservationId: id, levels };
    }
    if (reply[0] === -1) {
      this.lost();
      throw new BudgetCountersLostError();
    }
    const refused = items[(reply[1] ?? 1) - 1]!;
    return { ok: false, key: refused.key, spentNano: reply[2] ?? 0, reservedNano: reply[3] ?? 0 };
  }

  async settle(reservationId: ReservationId, actualNano: number): Promise<boolean> {
    const id = String(reservationId);
    return (await this.finishScript(1, this.keys.reservation(id), id, int(actualNano))) === 1;
  }

  async release(reservationId: ReservationId): Promise<void> {
    const id = String(reservationId);
    await this.finishScript(1, this.keys.reservation(id), id, '');
  }

  async add(key: string, amountNano: number): Promise<void> {
    await this.addScript(1, this.keys.counter(key), int(amountNano), this.ttl(key));
  }

  async snapshot(item: Pick<ReserveItem, 'key' | 'spentKeys'>): Promise<CounterSnapshot> {
    const keys = [this.keys.holds(item.key), this.keys.reserved(item.key), ...(item.spentKeys ?? [item.key]).map((k) => this.keys.counter(k))];
    const [spentNano = 0, reservedNano = 0] = (await this.snapshotScript(keys.length, ...keys)) as number[];
    return { spentNano, reservedNano };
  }

  /**
   * The first rebuild of a counter since Redis lost its data sets it, even over spend booked before
   * the rebuild (by requests that were in flight: it is in the ledger); instances rebuilding the same
   * counter later change nothing, so it counts once.
   */
  async seed(key: string, spentNano: number): Promise<void> {
    if (this.recovering) throw new BudgetCountersLostError();
    const generation = await this.current();
    const ttl = this.ttl(key);
    const done = await this.seedScript(3, this.keys.counter(key), this.keys.seeded(key), this.keys.generation(), int(spentNano), ttl, generation);
    if (done === -1) {
      this.lost();
      throw new BudgetCountersLostError();
    }
  }
}
