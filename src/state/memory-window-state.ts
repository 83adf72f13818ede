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

/** How often expired trips are swept (few: only keys that tripped). */
const SWEEP_TRIPS_EVERY_MS = 10_000;

/**
 * The series of one window length in three generations, newest first, each started half a window
 * after the one before. A hit moves its series to the newest; the oldest generation is dropped whole
 * (no sweep), so a series idle for a window is gone within one and a half. The loop breaker keeps a
 * series per distinct request body: sweeping them every 10 s stalled the event loop ~200 ms at 10k
 * requests/s.
 */
class Generations {
  private maps: Map<string, Series>[] = [new Map()];
  private startedAt: number;

  constructor(
    private readonly windowMs: number,
    now: number,
  ) {
    this.startedAt = now;
  }

  /** The series of `key`, moved to the newest generation; undefined when there is none. */
  get(key: string, now: number): Series | undefined {
    if (now - this.startedAt >= this.windowMs / 2) {
      this.maps.unshift(new Map());
      if (this.maps.length > 3) this.maps.pop();
      this.startedAt = now;
    }
    const newest = this.maps[0]!;
    const s = newest.get(key);
    if (s) return s;
    for (let i = 1; i < this.maps.length; i++) {
      const old = this.maps[i]!.get(key);
      if (old) {
        this.maps[i]!.delete(key);
        newest.set(key, old);
        return old;
      }
    }
    return undefined;
  }

  set(key: string, s: Series): void {
    this.maps[0]!.set(key, s);
  }

  delete(key: string): void {
    for (const m of this.maps) m.delete(key);
  }

  get size(): number {
    let n = 0;
    for (const m of this.maps) n += m.size;
    return n;
  }
}

/** Sliding-window counters and breaker trips in this process. */
export class MemoryWindowState implements WindowState {
  private readonly byWindow = new Map<number, Generations>();
  private readonly trips = new Map<string, number>();
  private tripsSweptAt = 0;

  /** Series held, all windows together. */
  get size(): number {
    let n = 0;
    for (const g of this.byWindow.values()) n += g.size;
    return n;
  }

  private seriesOf(windowMs: number, now: number): Generations {
    let series = this.byWindow.get(windowMs);
    if (!series) this.byWindow.set(windowMs, (series = new Generations(windowMs, now)));
    return series;
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
    const series = this.seriesOf(windowMs, now);
    const s = series.get(key, now);
    if (!s) {
      const sliceMs = Math.max(1, Math.ceil(windowMs / SLICES));
      series.set(key, { sliceMs, windowMs, lastAt: now, slices: [Math.floor(now / sliceMs), amount] });
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
    const s = this.byWindow.get(windowMs)?.get(key, now);
    return s ? this.sum(s, windowMs, now) : 0;
  }

  trip(key: string, until: number): void {
    this.trips.set(key, until);
  }

  trippedUntil(key: string, now: number): number | undefined {
    if (now - this.tripsSweptAt >= SWEEP_TRIPS_EVERY_MS) {
      this.tripsSweptAt = now;
      for (const [k, u] of this.trips) if (u <= now) this.trips.delete(k);
    }
    const until = this.trips.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.trips.delete(key);
      return undefined;
    }
    return until;
  }

  reset(key: string): void {
    for (const series of this.byWindow.values()) series.delete(key);
    this.trips.delete(key);
  }
}
