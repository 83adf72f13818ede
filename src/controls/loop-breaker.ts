import { crc32 } from 'node:zlib';
import type { WindowState } from '../state/types.js';
import type { LoopBreakerSettings } from './limits-schema.js';
import { all, andThen, type Maybe } from '../util/maybe.js';

export type LoopVerdict =
  | { ok: true }
  | { ok: false; reason: string; retryAfterSeconds: number; trippedNow: boolean };

const OPEN: LoopVerdict = Object.freeze({ ok: true });

/**
 * What tells one request body from another: its CRC-32, as six characters of 6 bits each, then its
 * length. A retry loop resends the bytes the same code built (re-serialising the parsed body to ignore
 * whitespace cost ~6 % of the gateway's CPU under load, and catches no loop that resends its own
 * bytes). CRC-32 takes ~0.5 µs for 2 KB where SHA-1 took ~2.5 µs under load; two different bodies of
 * one length share a count once in 2^32 pairs, which adds one to a count that must pass `maxRepeats`
 * to trip. The characters, not `toString(36)`: V8 converts to base 36 a digit at a time with a
 * floating-point remainder (~200 against ~60 ns a tag, key included).
 */
export function bodyTagOf(bytes: Uint8Array): string {
  const c = crc32(bytes);
  return String.fromCharCode(48 + (c & 63), 48 + ((c >>> 6) & 63), 48 + ((c >>> 12) & 63), 48 + ((c >>> 18) & 63), 48 + ((c >>> 24) & 63), 48 + (c >>> 30)) + bytes.length;
}

/**
 * The weekend-retry-loop breaker. Trips when one key sends the same request (`bodyTag`: `bodyTagOf`
 * its bytes, which the gateway computes once) more than `maxRepeats` times within the window, or keeps
 * retrying through `maxConsecutiveErrors` upstream errors in a row; then refuses that request (or that
 * key) for the cool-down.
 */
export class LoopBreaker {
  constructor(private readonly state: WindowState) {}

  /** Refuses a request (or key) that tripped the breaker and is cooling down. */
  tripped(keyId: string, bodyTag: string, s: LoopBreakerSettings, now: number): Maybe<LoopVerdict> {
    // The usual case, nothing tripped, known without building the keys (every request asks).
    if (!s.enabled || this.state.noneTripped?.()) return OPEN;
    // Both asked at once: with Redis they share one round trip.
    return andThen(all([this.state.trippedUntil(`lb:key:${keyId}`, now), this.state.trippedUntil(`lb:req:${keyId}:${bodyTag}`, now)]), ([keyUntil, requestUntil]) => {
      const refused = (until: number, reason: string): LoopVerdict => ({ ok: false, reason, retryAfterSeconds: Math.ceil((until - now) / 1000), trippedNow: false });
      if (keyUntil !== undefined) return refused(keyUntil, `${s.maxConsecutiveErrors} upstream errors in a row from this key`);
      if (requestUntil !== undefined) return refused(requestUntil, `the same request repeated more than ${s.maxRepeats} times in ${s.windowSeconds} s`);
      return OPEN;
    });
  }

  /**
   * Counts a request about to go upstream; trips on too many repeats. Cache hits are not counted:
   * a loop answered from the cache costs nothing.
   */
  count(keyId: string, bodyTag: string, s: LoopBreakerSettings, now: number): Maybe<LoopVerdict> {
    if (!s.enabled) return OPEN;
    return andThen(this.state.hit(`lb:rep:${keyId}:${bodyTag}`, 1, s.windowSeconds * 1000, now), (repeats) => {
      if (repeats <= s.maxRepeats) return OPEN;
      const tripped: LoopVerdict = { ok: false, reason: `the same request repeated more than ${s.maxRepeats} times in ${s.windowSeconds} s`, retryAfterSeconds: s.cooldownSeconds, trippedNow: true };
      return andThen(this.state.trip(`lb:req:${keyId}:${bodyTag}`, now + s.cooldownSeconds * 1000), () => andThen(this.state.reset(`lb:rep:${keyId}:${bodyTag}`), () => tripped));
    });
  }

  /** Both steps at once, for callers without a cache in between. */
  check(keyId: string, bodyTag: string, s: LoopBreakerSettings, now: number): Maybe<LoopVerdict> {
    return andThen(this.tripped(keyId, bodyTag, s, now), (verdict) => (verdict.ok ? this.count(keyId, bodyTag, s, now) : verdict));
  }

  /** Counts consecutive upstream errors per key; returns true when this one tripped the breaker. */
  outcome(keyId: string, upstreamError: boolean, s: LoopBreakerSettings, now: number): Maybe<boolean> {
    if (!s.enabled) return false;
    const key = `lb:err:${keyId}`;
    if (!upstreamError) return andThen(this.state.peek(key, s.windowSeconds * 1000, now), (errors) => (errors > 0 ? andThen(this.state.reset(key), () => false) : false));
    return andThen(this.state.hit(key, 1, s.windowSeconds * 1000, now), (errors) => {
      if (errors < s.maxConsecutiveErrors) return false;
      return andThen(this.state.trip(`lb:key:${keyId}`, now + s.cooldownSeconds * 1000), () => andThen(this.state.reset(key), () => true));
    });
  }
}
