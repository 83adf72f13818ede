import type { WindowState } from './types.js';

/** Each window is kept as 10 slices; the total is the sum of the slices inside the window. */
const SLICES = 10;

interface Series {
  sliceMs: number;
  windowMs: number;
  lastAt: number;
  slices: Map<number, number>;
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

  private sum(s: Series, windowMs: number, now: number): number {
    const oldest = Math.floor((now - windowMs) / s.sliceMs);
    let total = 0;
    for (const [slice, v] of s.slices) {
      if (slice <= oldest) s.slices.delete(slice);
      else total += v;
    }
    return total;
  }

  async hit(key: string, amount: number, windowMs: number, now: number): Promise<number> {
    this.sweep(now);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { sliceMs: Math.max(1, Math.ceil(windowMs / SLICES)), windowMs, lastAt: now, slices: new Map() }));
    s.lastAt = now;
    const slice = Math.floor(now / s.sliceMs);
    s.slices.set(slice, (s.slices.get(slice) ?? 0) + amount);
    return this.sum(s, windowMs, now);
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    const s = this.series.get(key);
    return s ? this.sum(s, windowMs, now) : 0;
  }

  async trip(key: string, until: number): Promise<void> {
    this.trips.set(key, until);
  }

  async trippedUntil(key: string, now: number): Promise<number | undefined> {
    const until = this.trips.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.trips.delete(key);
      return undefined;
    }
    return until;
  }

  async reset(key: string): Promise<void> {
    this.series.delete(key);
    this.trips.delete(key);
  }
}
