import { fingerprint, FingerprintTable } from './fingerprint-table.js';
import type { WindowState } from './types.js';

/** Each window is kept as 10 slices; the total is the sum of the slices inside the window. */
const SLICES = 10;

/**
 * A series is the [slice number, amount] pairs of its hits, oldest first, or, for a series of one hit
 * of 1, just that hit's slice number.
 */
type Series = number | number[];

/** In a generation's table: the key's series is an array, in the generation's map. */
const IN_MAP = -1;

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
 * One generation's series. Every key is in `table` by its fingerprint: a series of one hit as its
 * slice number, any other as IN_MAP with its array in `arrays`. Most series (one per distinct request
 * body, for the loop breaker) see a single hit, and never cost a map entry or a retained key string:
 * with ~600k of them alive under load, that was most of the breaker's cost (map lookups that missed
 * the CPU's caches, key strings promoted to the old generation and marked there).
 */
interface Generation {
  table: FingerprintTable;
  arrays: Map<string, number[]>;
}

/**
 * The series of one window length in three generations, newest first, each started half a window
 * after the one before. A hit moves its series to the newest; the oldest generation is dropped whole
 * (no sweep), so a series idle for a window is gone within one and a half. The loop breaker keeps a
 * series per distinct request body: sweeping them every 10 s stalled the event loop ~200 ms at 10k
 * requests/s.
 */
class Generations {
  private gens: Generation[];
  private startedAt: number;
  readonly sliceMs: number;

  constructor(
    readonly windowMs: number,
    now: number,
  ) {
    this.gens = [{ table: new FingerprintTable(), arrays: new Map() }];
    this.startedAt = now;
    this.sliceMs = Math.max(1, Math.ceil(windowMs / SLICES));
  }

  /** The series of `key` (fingerprint `fp`), moved to the newest generation; undefined when there is none. */
  get(key: string, fp: number, now: number): Series | undefined {
    if (now - this.startedAt >= this.windowMs / 2) {
      // The new generation starts at the size the last one reached, rather than growing to it again.
      this.gens.unshift({ table: FingerprintTable.holding(this.gens[0]!.table.size), arrays: new Map() });
      if (this.gens.length > 3) this.gens.pop();
      this.startedAt = now;
    }
    for (let i = 0; i < this.gens.length; i++) {
      const g = this.gens[i]!;
      const v = g.table.get(fp);
      if (v === undefined) continue;
      const s = v === IN_MAP ? g.arrays.get(key) : v;
      // IN_MAP without an array: another key's fingerprint (a one in 2^53 chance); look further.
      if (s === undefined) continue;
      if (i > 0) {
        g.table.delete(fp);
        if (typeof s !== 'number') g.arrays.delete(key);
        this.set(key, fp, s);
      }
      return s;
    }
    return undefined;
  }

  /** Stores the series of `key` in the newest generation. */
  set(key: string, fp: number, s: Series): void {
    const newest = this.gens[0]!;
    if (typeof s === 'number') {
      newest.table.set(fp, s);
    } else {
      newest.table.set(fp, IN_MAP);
      newest.arrays.set(key, s);
    }
  }

  delete(key: string, fp: number): void {
    for (const g of this.gens) {
      g.table.delete(fp);
      g.arrays.delete(key);
    }
  }

  get size(): number {
    let n = 0;
    for (const g of this.gens) n += g.table.size;
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
  private sum(s: Series, g: Generations, now: number): number {
    const oldest = Math.floor((now - g.windowMs) / g.sliceMs);
    if (typeof s === 'number') return s > oldest ? 1 : 0;
    let stale = 0;
    while (stale < s.length && s[stale]! <= oldest) stale += 2;
    if (stale > 0) s.splice(0, stale);
    let total = 0;
    for (let i = 1; i < s.length; i += 2) total += s[i]!;
    return total;
  }

  hit(key: string, amount: number, windowMs: number, now: number): number {
    const g = this.seriesOf(windowMs, now);
    const slice = Math.floor(now / g.sliceMs);
    const fp = fingerprint(key);
    const found = g.get(key, fp, now);
    if (found === undefined) {
      g.set(key, fp, amount === 1 ? slice : [slice, amount]);
      return amount;
    }
    let s = found;
    if (typeof s === 'number') g.set(key, fp, (s = [s, 1]));
    const last = s.length - 2;
    if (last >= 0 && s[last] === slice) s[last + 1]! += amount;
    else if (last >= 0 && s[last]! > slice) addOutOfOrder(s, slice, amount);
    else s.push(slice, amount);
    return this.sum(s, g, now);
  }

  peek(key: string, windowMs: number, now: number): number {
    const g = this.byWindow.get(windowMs);
    if (!g) return 0;
    const s = g.get(key, fingerprint(key), now);
    return s === undefined ? 0 : this.sum(s, g, now);
  }

  trip(key: string, until: number): void {
    this.trips.set(key, until);
  }

  noneTripped(): boolean {
    return this.trips.size === 0;
  }

  trippedUntil(key: string, now: number): number | undefined {
    if (this.trips.size === 0) return undefined; // the usual case: no key hashed
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
    const fp = fingerprint(key);
    for (const series of this.byWindow.values()) series.delete(key, fp);
    this.trips.delete(key);
  }
}
