import type { WindowState } from '../state/types.js';
import type { LoopBreakerSettings } from './limits-schema.js';

export type LoopVerdict =
  | { ok: true }
  | { ok: false; reason: string; retryAfterSeconds: number; trippedNow: boolean };

/**
 * The weekend-retry-loop breaker. Trips when one key sends the same normalised request more than
 * `maxRepeats` times within the window, or keeps retrying through `maxConsecutiveErrors` upstream
 * errors in a row; then refuses that request (or that key) for the cool-down.
 */
export class LoopBreaker {
  constructor(private readonly state: WindowState) {}

  /** Refuses a request (or key) that tripped the breaker and is cooling down. */
  async tripped(keyId: string, bodyHash: string, s: LoopBreakerSettings, now: number): Promise<LoopVerdict> {
    if (!s.enabled) return { ok: true };
    // Both asked at once: with Redis they share one round trip.
    const [keyUntil, requestUntil] = await Promise.all([this.state.trippedUntil(`lb:key:${keyId}`, now), this.state.trippedUntil(`lb:req:${keyId}:${bodyHash}`, now)]);
    const refused = (until: number, reason: string): LoopVerdict => ({ ok: false, reason, retryAfterSeconds: Math.ceil((until - now) / 1000), trippedNow: false });
    if (keyUntil !== undefined) return refused(keyUntil, `${s.maxConsecutiveErrors} upstream errors in a row from this key`);
    if (requestUntil !== undefined) return refused(requestUntil, `the same request repeated more than ${s.maxRepeats} times in ${s.windowSeconds} s`);
    return { ok: true };
  }

  /**
   * Counts a request about to go upstream; trips on too many repeats. Cache hits are not counted:
   * a loop answered from the cache costs nothing.
   */
  async count(keyId: string, bodyHash: string, s: LoopBreakerSettings, now: number): Promise<LoopVerdict> {
    if (!s.enabled) return { ok: true };
    const repeats = await this.state.hit(`lb:rep:${keyId}:${bodyHash}`, 1, s.windowSeconds * 1000, now);
    if (repeats > s.maxRepeats) {
      await this.state.trip(`lb:req:${keyId}:${bodyHash}`, now + s.cooldownSeconds * 1000);
      await this.state.reset(`lb:rep:${keyId}:${bodyHash}`);
      return { ok: false, reason: `the same request repeated more than ${s.maxRepeats} times in ${s.windowSeconds} s`, retryAfterSeconds: s.cooldownSeconds, trippedNow: true };
    }
    return { ok: true };
  }

  /** Counts consecutive upstream errors per key; returns true when this one tripped the breaker. */
  /** Both steps at once, for callers without a cache in between. */
  async check(keyId: string, bodyHash: string, s: LoopBreakerSettings, now: number): Promise<LoopVerdict> {
    const verdict = await this.tripped(keyId, bodyHash, s, now);
    return verdict.ok ? this.count(keyId, bodyHash, s, now) : verdict;
  }

  async outcome(keyId: string, upstreamError: boolean, s: LoopBreakerSettings, now: number): Promise<boolean> {
    if (!s.enabled) return false;
    const key = `lb:err:${keyId}`;
    if (!upstreamError) {
      if ((await this.state.peek(key, s.windowSeconds * 1000, now)) > 0) await this.state.reset(key);
      return false;
    }
    const errors = await this.state.hit(key, 1, s.windowSeconds * 1000, now);
    if (errors < s.maxConsecutiveErrors) return false;
    await this.state.trip(`lb:key:${keyId}`, now + s.cooldownSeconds * 1000);
    await this.state.reset(key);
    return true;
  }
}
