import type { WindowState } from './types.js';

/** Each window is kept as 10 slices; the total is the sum of the slices inside the window. */
const SLICES = 10;

/**
 * `slices` holds [slice number, amount] pairs, oldest first. Most series (one per distinct request
 * body, for the loop breaker) see a single hit: a two-number array, not a Map per series, keeps the
 * hundreds of thousands of them alive under load cheap to hold and to collect.
 */
interface Series {
  sliceMs: number;
  windowMs: number;
  lastAt: number;
  slices: number[];
}

/** A hit for an earlier slice than the newest (a clock that stepped back): kept in order. */
function addOutOfOrder(slices: number[], slice: number, amount: number): void {
  let i = 0;
  while (i < slices.length && slices[i]! < slice) i += 2;
  if (slices[i] === slice) slices[i + 1]! += amount;
  else slices.splice(i, 0, slice, amount);
}

/** How often idle series are swept, so memory stays flat however many distinct keys pass. */
const SWEEP_EVERY_MS = 10_000;

/** Sliding-window counters and breaker trips in this process. */
export class MemoryWindowState implements WindowState {
  private readonly series = new Map<string, Series>();
  private readonly trips = new Map<string, number>();
  private sweptAt = 0;

  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [key, s] of this.series) if (now - s.lastAt > s.windowMs) this.series.delete(key);
    for (const [key, until] of this.trips) if (until <= now) this.trips.delete(key);
  }

  /** Drops the slices that left the window, and sums the rest. */
  private sum(s: Series, windowMs: number, now: number): number {
    const oldest = Math.floor((now - windowMs) / s.sliceMs);
    const slices = s.slices;
    let stale = 0;
    while (stale < slices.length && slices[stale]! <= oldest) stale += 2;
    if (stale > 0) slices.splice(0, stale);
    let total = 0;
    for (let i = 1; i < slices.length; i += 2) total += slices[i]!;
    return total;
  }

  hit(key: string, amount: number, windowMs: number, now: number): number {
    this.sweep(now);
    const s = this.series.get(key);
    if (!s) {
      const sliceMs = Math.max(1, Math.ceil(windowMs / SLICES));
      this.series.set(key, { sliceMs, windowMs, lastAt: now, slices: [Math.floor(now / sliceMs), amount] });
      return amount;
    }
    s.lastAt = now;
    const slice = Math.floor(now / s.sliceMs);
    const last = s.slices.length - 2;
    if (last >= 0 && s.slices[last] === slice) s.slices[last + 1]! += amount;
    else if (last >= 0 && s.slices[last]! > slice) addOutOfOrder(s.slices, slice, amount);
    else s.slices.push(slice, amount);
    return this.sum(s, windowMs, now);
  }

  peek(key: string, windowMs: number, now: number): number {
    const s = this.series.get(key);
    return s ? this.sum(s, windowMs, now) : 0;
  }

  trip(key: string, until: number): void {
    this.trips.set(key, until);
  }

  trippedUntil(key: string, now: number): number | undefined {
    const until = this.trips.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.trips.delete(key);
      return undefined;
    }
    return until;
  }

  reset(key: string): void {
    this.series.delete(key);
    this.trips.delete(key);
  }
}
