import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetState, CounterSnapshot, ReserveItem, ReserveResult } from '../types.js';
import { Keyspace, counterTtlMs, type CounterTtlOptions } from './keys.js';
import { ADD, FINISH, RESERVE, SNAPSHOT } from './lua.js';
import { defineScript, int, type ScriptArg, type ScriptFn } from './scripts.js';

export interface RedisBudgetOptions extends CounterTtlOptions {
  prefix?: string;
}

/**
 * Budget counters shared by every gateway instance. Each operation is one Lua script, so
 * check-and-reserve is atomic across instances; reservations carry a lease measured on the Redis
 * clock, so one whose instance died is released after `leaseMs` by the next call touching its key.
 */
export class RedisBudgetState implements BudgetState {
  private readonly keys: Keyspace;
  private readonly reserveScript: ScriptFn;
  private readonly finishScript: ScriptFn;
  private readonly snapshotScript: ScriptFn;
  private readonly addScript: ScriptFn;

  constructor(
    private readonly client: Redis,
    private readonly options: RedisBudgetOptions = {},
  ) {
    this.keys = new Keyspace(options.prefix);
    this.reserveScript = defineScript(client, 'burnrateReserve', RESERVE);
    this.finishScript = defineScript(client, 'burnrateFinish', FINISH);
    this.snapshotScript = defineScript(client, 'burnrateSnapshot', SNAPSHOT);
    this.addScript = defineScript(client, 'burnrateAdd', ADD);
  }

  private ttl(key: string, windowHours?: number): number {
    return counterTtlMs(key, windowHours, Date.now(), this.options);
  }

  async reserve(items: ReserveItem[], leaseMs: number): Promise<ReserveResult> {
    // A random id, not an INCR: a Redis that lost its data would hand out old ids again.
    const id = randomBytes(12).toString('base64url');
    const keys: string[] = [this.keys.reservation(id)];
    const args: ScriptArg[] = [id, Math.max(1, Math.ceil(leaseMs)), items.length];
    for (const item of items) {
      const spentKeys = item.spentKeys ?? [item.key];
      const spendKey = item.spendKey ?? item.key;
      keys.push(this.keys.holds(item.key), this.keys.reserved(item.key), ...spentKeys.map((k) => this.keys.counter(k)));
      // A rolling window's length is its number of hourly buckets.
      const ttl = this.ttl(spendKey, item.spentKeys?.length);
      args.push(spentKeys.length, int(item.limitNano), int(item.amountNano), this.keys.counter(spendKey), ttl);
    }
    const reply = (await this.reserveScript(keys.length, ...keys, ...args)) as number[];
    if (reply[0] === 1) return { ok: true, reservationId: id };
    const refused = items[(reply[1] ?? 1) - 1]!;
    return { ok: false, key: refused.key, spentNano: reply[2] ?? 0, reservedNano: reply[3] ?? 0 };
  }

  async settle(reservationId: string, actualNano: number): Promise<boolean> {
    return (await this.finishScript(1, this.keys.reservation(reservationId), reservationId, int(actualNano))) === 1;
  }

  async release(reservationId: string): Promise<void> {
    await this.finishScript(1, this.keys.reservation(reservationId), reservationId, '');
  }

  async add(key: string, amountNano: number): Promise<void> {
    await this.addScript(1, this.keys.counter(key), int(amountNano), this.ttl(key));
  }

  async snapshot(item: Pick<ReserveItem, 'key' | 'spentKeys'>): Promise<CounterSnapshot> {
    const keys = [this.keys.holds(item.key), this.keys.reserved(item.key), ...(item.spentKeys ?? [item.key]).map((k) => this.keys.counter(k))];
    const [spentNano = 0, reservedNano = 0] = (await this.snapshotScript(keys.length, ...keys)) as number[];
    return { spentNano, reservedNano };
  }

  /** SET NX: instances rebuilding the same counter from the ledger (e.g. after Redis lost its data) count it once. */
  async seed(key: string, spentNano: number): Promise<void> {
    await this.client.set(this.keys.counter(key), int(spentNano), 'PX', this.ttl(key), 'NX');
  }
}
