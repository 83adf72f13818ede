import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KB at a time: one call to the system's generator per ~400 ids. */
const pool = Buffer.alloc(4000);
let used = pool.length;

/** `bytes` random bytes in hex. */
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/**
 * A request id that sorts by time: 48 bits of milliseconds then 80 random bits, in hex (like UUIDv7).
 * The ledger's primary key is this id: time-ordered keys are appended at the right edge of the index
 * instead of landing on random pages, which keeps inserts cheap as the ledger grows (measured: 80-100
 * µs a row with random ids past 100k rows, 11-20 µs with these).
 */
export function requestId(prefix = 'req_', now = Date.now()): string {
  return `${prefix}${timeHex(now)}${randomHex(10)}`;
}

let hexMs = NaN;
let hexText = '';

/**
 * A millisecond count as 12 hex digits, remembered for the last one: under load many requests share
 * a millisecond, and V8 converts a number to base 16 a digit at a time with a floating-point
 * remainder (~0.3 µs a request in perf under load).
 */
function timeHex(ms: number): string {
  if (ms !== hexMs) {
    hexText = ms.toString(16).padStart(12, '0');
    hexMs = ms;
  }
  return hexText;
}
