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

  /** One limit: its tokens and dollars windows, then counts the attempt. A refusal, or undefined. */
  private checkOne(limit: RateLimit, subject: RateSubject, headers: Record<string, string>, now: number): Maybe<RateDecision | undefined> {
    const value = valueOf(limit, subject);
    if (value === undefined) return undefined;
    const base = `rl:${limit.scope}:${value}`;
    const requests = (): Maybe<RateDecision | undefined> => {
      if (!limit.requestsPerMinute) return undefined;
      const perMinute = limit.requestsPerMinute;
      // One counter call: the attempt is counted, then refused if it went over (refused attempts
      // count too, so a client that keeps hammering stays limited).
      return andThen(this.state.hit(`${base}:rpm`, 1, MINUTE, now), (after) => {
        headers['x-ratelimit-limit-requests'] = String(perMinute);
        headers['x-ratelimit-remaining-requests'] = String(Math.max(0, perMinute - after));
        return after > perMinute ? { ok: false, reason: `${perMinute} requests per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers } : undefined;
      });
    };
    const dollars = (): Maybe<RateDecision | undefined> => {
      if (!limit.usdPerHour) return requests();
      const perHour = limit.usdPerHour;
      return andThen(this.state.peek(`${base}:usd`, HOUR, now), (spent) =>
        spent >= perHour * 1e9 ? { ok: false, reason: `$${perHour} per hour for ${limit.scope} ${value}`, retryAfterSeconds: 360, headers } : requests(),
      );
    };
    if (!limit.tokensPerMinute) return dollars();
    const perMinute = limit.tokensPerMinute;
    return andThen(this.state.peek(`${base}:tpm`, MINUTE, now), (used) => {
      headers['x-ratelimit-limit-tokens'] = String(perMinute);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, perMinute - used));
      return used >= perMinute ? { ok: false, reason: `${perMinute} tokens per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers } : dollars();
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
      const base = `rl:${limit.scope}:${value}`;
      const counted = [
        limit.tokensPerMinute && tokens > 0 ? this.state.hit(`${base}:tpm`, tokens, MINUTE, now) : undefined,
        limit.usdPerHour && costNano > 0 ? this.state.hit(`${base}:usd`, costNano, HOUR, now) : undefined,
      ];
      for (const c of counted) if (c instanceof Promise) pending.push(c);
    }
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }
}
