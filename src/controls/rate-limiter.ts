import type { WindowState } from '../state/types.js';
import type { RateLimit } from './limits-schema.js';
import { andThen, type Maybe } from '../util/maybe.js';

export interface RateSubject {
  app: string;
  keyId: string | null;
  customer: string | null;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface WindowKeys {
  rpm: string;
  tpm: string;
  usd: string;
}

export interface RateDecision {
  ok: boolean;
  /** Which limit refused, for the error message. */
  reason?: string;
  retryAfterSeconds?: number;
  headers: Record<string, string>;
}

function valueOf(limit: RateLimit, s: RateSubject): string | undefined {
  const v = limit.scope === 'key' ? s.keyId : limit.scope === 'app' ? s.app : s.customer;
  if (v === null) return undefined;
  if (limit.match !== undefined && limit.match !== v) return undefined;
  return v;
}

/**
 * Requests per minute are counted when a request is admitted; tokens per minute and dollars per
 * hour are counted when its usage is known, and refuse further requests once the window is full.
 */
export class RateLimiter {
  /** Window keys by limit and value; weak, so limits replaced by a config reload are dropped. */
  private readonly keys = new WeakMap<RateLimit, Map<string, WindowKeys>>();

  constructor(
    private readonly limits: () => RateLimit[],
    private readonly state: WindowState,
  ) {}

  /** False when no rate limit is configured: the gateway then skips the rate-limit steps. */
  get active(): boolean {
    return this.limits().length > 0;
  }

  check(subject: RateSubject, now: number): Maybe<RateDecision> {
    const headers: Record<string, string> = {};
    const limits = this.limits();
    // Limit after limit, each step at once on in-process state; the first refusal ends the check.
    const from = (i: number): Maybe<RateDecision> => {
      for (; i < limits.length; i++) {
        const refusal = this.checkOne(limits[i]!, subject, headers, now);
        if (refusal instanceof Promise) {
          const next = i + 1;
          return refusal.then((r) => r ?? from(next));
        }
        if (refusal) return refusal;
      }
      return { ok: true, headers };
    };
    return from(0);
  }

  /** The window keys of a limit for one value (the same strings every request: built once). */
  private keysOf(limit: RateLimit, value: string): WindowKeys {
    let byValue = this.keys.get(limit);
    if (!byValue) this.keys.set(limit, (byValue = new Map()));
    let keys = byValue.get(value);
    if (!keys) {
      // Bounded: per-customer limits see many values.
      if (byValue.size > 10_000) byValue.clear();
      const base = `rl:${limit.scope}:${value}`;
      byValue.set(value, (keys = { rpm: `${base}:rpm`, tpm: `${base}:tpm`, usd: `${base}:usd` }));
    }
    return keys;
  }

  /** One limit: its tokens and dollars windows, then counts the attempt. A refusal, or undefined. */
  private checkOne(limit: RateLimit, subject: RateSubject, headers: Record<string, string>, now: number): Maybe<RateDecision | undefined> {
    const value = valueOf(limit, subject);
    if (value === undefined) return undefined;
    const keys = this.keysOf(limit, value);
    if (!limit.tokensPerMinute) return this.checkDollars(limit, value, keys, headers, now);
    const perMinute = limit.tokensPerMinute;
    return andThen(this.state.peek(keys.tpm, MINUTE, now), (used) => {
      headers['x-ratelimit-limit-tokens'] = String(perMinute);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, perMinute - used));
      return used >= perMinute ? { ok: false, reason: `${perMinute} tokens per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers } : this.checkDollars(limit, value, keys, headers, now);
    });
  }

  private checkDollars(limit: RateLimit, value: string, keys: WindowKeys, headers: Record<string, string>, now: number): Maybe<RateDecision | undefined> {
    if (!limit.usdPerHour) return this.countRequest(limit, value, keys, headers, now);
    const perHour = limit.usdPerHour;
    return andThen(this.state.peek(keys.usd, HOUR, now), (spent) =>
      spent >= perHour * 1e9 ? { ok: false, reason: `$${perHour} per hour for ${limit.scope} ${value}`, retryAfterSeconds: 360, headers } : this.countRequest(limit, value, keys, headers, now),
    );
  }

  /**
   * One counter call: the attempt is counted, then refused if it went over (refused attempts count too,
   * so a client that keeps hammering stays limited).
   */
  private countRequest(limit: RateLimit, value: string, keys: WindowKeys, headers: Record<string, string>, now: number): Maybe<RateDecision | undefined> {
    if (!limit.requestsPerMinute) return undefined;
    const perMinute = limit.requestsPerMinute;
    return andThen(this.state.hit(keys.rpm, 1, MINUTE, now), (after) => {
      headers['x-ratelimit-limit-requests'] = String(perMinute);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, perMinute - after));
      return after > perMinute ? { ok: false, reason: `${perMinute} requests per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers } : undefined;
    });
  }

  /** True when a limit counts tokens or dollars: only then is there anything to record after a request. */
  get countsUsage(): boolean {
    return this.limits().some((l) => l.tokensPerMinute || l.usdPerHour);
  }

  /** Counts a finished request's tokens and dollars against its windows (all at once). */
  record(subject: RateSubject, tokens: number, costNano: number, now: number): Maybe<void> {
    const pending: Promise<unknown>[] = [];
    for (const limit of this.limits()) {
      const value = valueOf(limit, subject);
      if (value === undefined) continue;
      const keys = this.keysOf(limit, value);
      const counted = [
        limit.tokensPerMinute && tokens > 0 ? this.state.hit(keys.tpm, tokens, MINUTE, now) : undefined,
        limit.usdPerHour && costNano > 0 ? this.state.hit(keys.usd, costNano, HOUR, now) : undefined,
      ];
      for (const c of counted) if (c instanceof Promise) pending.push(c);
    }
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }
}
