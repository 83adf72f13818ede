/**
 * Where each piece of state lives, under one prefix (default `burnrate:`), in separate namespaces
 * so a counter, its reservations and a cache entry can never share a name.
 */
export class Keyspace {
  constructor(readonly prefix = 'burnrate:') {}
  counter(key: string): string {
    return `${this.prefix}ctr:${key}`;
  }
  /** ZSET reservation member → lease expiry (server ms), one per budget key. */
  holds(key: string): string {
    return `${this.prefix}rz:${key}`;
  }
  /** The sum of the live reservations in `holds(key)`, kept beside it so reserve is O(1) in them. */
  reserved(key: string): string {
    return `${this.prefix}rs:${key}`;
  }
  /** Marks a counter rebuilt from the ledger since Redis last lost its data (see `seed`). */
  seeded(key: string): string {
    return `${this.prefix}seeded:${key}`;
  }
  /**
   * A random id written once per Redis dataset: when it is missing or changed, Redis lost its data
   * (restarted empty, flushed) and every counter must be rebuilt from the ledger.
   */
  generation(): string {
    return `${this.prefix}gen`;
  }
  reservation(id: string): string {
    return `${this.prefix}res:${id}`;
  }
  window(key: string): string {
    return `${this.prefix}win:${key}`;
  }
  trip(key: string): string {
    return `${this.prefix}trip:${key}`;
  }
  cache(key: string): string {
    return `${this.prefix}cache:${key}`;
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CounterTtlOptions {
  /** Calendar counters (day, week, month) live this long after their last write. */
  calendarTtlMs?: number;
  /** Window assumed for an hour bucket written without a reservation (soft budgets, seeds): the schema's maximum. */
  maxRollingHours?: number;
}

/**
 * How long a spend counter is kept, so Redis memory stays bounded. Hour buckets of rolling windows
 * (keys ending `:h<hour>`, see `hourBucket` in controls/periods.ts) expire one hour after the last
 * window that can include them ends; anything else is a calendar period of at most a month, kept
 * 40 days after its last write.
 */
export function counterTtlMs(key: string, windowHours: number | undefined, now: number, o: CounterTtlOptions = {}): number {
  const bucket = /:h(\d+)$/.exec(key);
  if (!bucket) return o.calendarTtlMs ?? 40 * DAY;
  const hours = windowHours ?? o.maxRollingHours ?? 24 * 90;
  return Math.max(HOUR, (Number(bucket[1]) + 1 + hours + 1) * HOUR - now);
}
