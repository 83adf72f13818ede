import type { WindowState } from '../state/types.js';
import type { LoopBreakerSettings } from './limits-schema.js';
import { all, andThen, type Maybe } from '../util/maybe.js';

export type LoopVerdict =
  | { ok: true }
  | { ok: false; reason: string; retryAfterSeconds: number; trippedNow: boolean };

const OPEN: LoopVerdict = Object.freeze({ ok: true });

/**
 * The weekend-retry-loop breaker. Trips when one key sends the same request (`bodyTag`: its bytes'
 * CRC-32 and length, from the gateway) more than `maxRepeats` times within the window, or keeps
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
