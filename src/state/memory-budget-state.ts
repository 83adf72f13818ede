import type { BudgetState, CounterSnapshot, ReservationId, ReserveItem, ReserveResult } from './types.js';

interface Reservation {
  items: ReserveItem[];
  /** The counter of each item's key, found once when reserving: releasing and settling look nothing up. */
  counters: CounterSnapshot[];
  expiresAt: number;
  /** False once settled, released or expired. */
  live: boolean;
}

/** Reservations kept before the settled ones are swept out of the list (at least). */
const SWEEP_AT = 1024;

/**
 * Budget counters in this process. Check-and-reserve runs without an await in between, so it is
 * atomic under any concurrency Node can produce. Reservations expire after their lease, so a lost
 * settlement cannot hold budget forever.
 *
 * A reservation's id is the reservation itself: settling needs no lookup. Reservations sit in a list
 * (for expiry) that drops the settled ones every so often; a map by id cost ~2 µs a request under
 * load (its insert and delete, `--cpu-prof`), as much as the rest of the reservation.
 */
export class MemoryBudgetState implements BudgetState {
  private readonly counters = new Map<string, CounterSnapshot>();
  private reservations: Reservation[] = [];
  private sweepAt = SWEEP_AT;
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
    for (const r of this.reservations) {
      if (!r.live) continue;
      if (r.expiresAt <= now) this.drop(r);
      else if (r.expiresAt < this.earliestExpiry) this.earliestExpiry = r.expiresAt;
    }
  }

  private drop(r: Reservation): void {
    r.live = false;
    for (let i = 0; i < r.items.length; i++) r.counters[i]!.reservedNano -= r.items[i]!.amountNano;
  }

  /** The list without its settled reservations, once it has grown to twice what was live at the last sweep. */
  private sweep(): void {
    this.reservations = this.reservations.filter((r) => r.live);
    this.sweepAt = Math.max(SWEEP_AT, this.reservations.length * 2);
  }

  /** A live reservation of this state, or undefined (gone, or not one of ours). */
  private liveReservation(id: ReservationId): Reservation | undefined {
    const r = id as Reservation;
    return typeof id === 'object' && r.live === true ? r : undefined;
  }

  reserve(items: ReserveItem[], leaseMs: number): ReserveResult {
    this.expire();
    // Each key's counter is looked up once (a calendar period's spend is on the same counter).
    // A refusal creates no counter: a counter not yet there is still to be seeded from the ledger.
    const counters: (CounterSnapshot | undefined)[] = [];
    const levels: CounterSnapshot[] = [];
    for (const item of items) {
      const c = this.counters.get(item.key);
      const spentNano = item.spentKeys ? this.spentOf(item) : (c?.spentNano ?? 0);
      const reservedNano = c?.reservedNano ?? 0;
      if (spentNano + reservedNano + item.amountNano > item.limitNano) return { ok: false, key: item.key, spentNano, reservedNano };
      counters.push(c);
      levels.push({ spentNano, reservedNano: reservedNano + item.amountNano });
    }
    for (let i = 0; i < items.length; i++) (counters[i] ??= this.counter(items[i]!.key)).reservedNano += items[i]!.amountNano;
    const reservation: Reservation = { items, counters: counters as CounterSnapshot[], expiresAt: this.now() + leaseMs, live: true };
    if (this.reservations.push(reservation) >= this.sweepAt) this.sweep();
    if (reservation.expiresAt < this.earliestExpiry) this.earliestExpiry = reservation.expiresAt;
    return { ok: true, reservationId: reservation, levels };
  }

  settle(reservationId: ReservationId, actualNano: number): boolean {
    const r = this.liveReservation(reservationId);
    if (!r) return false;
    this.drop(r);
    for (let i = 0; i < r.items.length; i++) {
      const spendKey = r.items[i]!.spendKey;
      (spendKey === undefined ? r.counters[i]! : this.counter(spendKey)).spentNano += actualNano;
    }
    return true;
  }

  release(reservationId: ReservationId): void {
    const r = this.liveReservation(reservationId);
    if (r) this.drop(r);
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
