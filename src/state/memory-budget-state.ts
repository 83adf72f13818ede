import type { BudgetState, CounterSnapshot, ReserveItem, ReserveResult } from './types.js';

interface Reservation {
  items: ReserveItem[];
  expiresAt: number;
}

/**
 * Budget counters in this process. Check-and-reserve runs without an await in between, so it is
 * atomic under any concurrency Node can produce. Reservations expire after their lease, so a lost
 * settlement cannot hold budget forever.
 */
export class MemoryBudgetState implements BudgetState {
  private readonly counters = new Map<string, CounterSnapshot>();
  private readonly reservations = new Map<string, Reservation>();
  private nextId = 0;
  /** No reservation expires before this: `expire` scans only once one may have. */
  private earliestExpiry = Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  private spentOf(item: Pick<ReserveItem, 'key' | 'spentKeys'>): number {
    if (!item.spentKeys) return this.counters.get(item.key)?.spentNano ?? 0;
    let spent = 0;
    for (const k of item.spentKeys) spent += this.counters.get(k)?.spentNano ?? 0;
    return spent;
  }

  private counter(key: string): CounterSnapshot {
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = { spentNano: 0, reservedNano: 0 }));
    return c;
  }

  private expire(): void {
    const now = this.now();
    if (now < this.earliestExpiry) return;
    this.earliestExpiry = Infinity;
    for (const [id, r] of this.reservations) {
      if (r.expiresAt <= now) this.drop(id, r);
      else if (r.expiresAt < this.earliestExpiry) this.earliestExpiry = r.expiresAt;
    }
  }

  private drop(id: string, r: Reservation): void {
    this.reservations.delete(id);
    for (const item of r.items) this.counter(item.key).reservedNano -= item.amountNano;
  }

  reserve(items: ReserveItem[], leaseMs: number): ReserveResult {
    this.expire();
    for (const item of items) {
      const spentNano = this.spentOf(item);
      const reservedNano = this.counters.get(item.key)?.reservedNano ?? 0;
      if (spentNano + reservedNano + item.amountNano > item.limitNano) {
        return { ok: false, key: item.key, spentNano, reservedNano };
      }
    }
    const levels: CounterSnapshot[] = [];
    for (const item of items) {
      const c = this.counter(item.key);
      c.reservedNano += item.amountNano;
      levels.push({ spentNano: this.spentOf(item), reservedNano: c.reservedNano });
    }
    const reservationId = `r${++this.nextId}`;
    const expiresAt = this.now() + leaseMs;
    this.reservations.set(reservationId, { items, expiresAt });
    if (expiresAt < this.earliestExpiry) this.earliestExpiry = expiresAt;
    return { ok: true, reservationId, levels };
  }

  settle(reservationId: string, actualNano: number): boolean {
    const r = this.reservations.get(reservationId);
    if (!r) return false;
    this.drop(reservationId, r);
    for (const item of r.items) this.counter(item.spendKey ?? item.key).spentNano += actualNano;
    return true;
  }

  release(reservationId: string): void {
    const r = this.reservations.get(reservationId);
    if (r) this.drop(reservationId, r);
  }

  add(key: string, amountNano: number): void {
    this.counter(key).spentNano += amountNano;
  }

  snapshot(item: Pick<ReserveItem, 'key' | 'spentKeys'>): CounterSnapshot {
    this.expire();
    return { spentNano: this.spentOf(item), reservedNano: this.counters.get(item.key)?.reservedNano ?? 0 };
  }

  seed(key: string, spentNano: number): void {
    if (!this.counters.has(key)) this.counters.set(key, { spentNano, reservedNano: 0 });
  }
}
