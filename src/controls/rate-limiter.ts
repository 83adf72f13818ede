import type { WindowState } from '../state/types.js';
import type { RateLimit } from './limits-schema.js';

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

  async check(subject: RateSubject, now: number): Promise<RateDecision> {
    const headers: Record<string, string> = {};
    for (const limit of this.limits()) {
      const value = valueOf(limit, subject);
      if (value === undefined) continue;
      const base = `rl:${limit.scope}:${value}`;
      if (limit.tokensPerMinute) {
        const used = await this.state.peek(`${base}:tpm`, MINUTE, now);
        headers['x-ratelimit-limit-tokens'] = String(limit.tokensPerMinute);
        headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, limit.tokensPerMinute - used));
        if (used >= limit.tokensPerMinute) return { ok: false, reason: `${limit.tokensPerMinute} tokens per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers };
      }
      if (limit.usdPerHour) {
        const spent = await this.state.peek(`${base}:usd`, HOUR, now);
        if (spent >= limit.usdPerHour * 1e9) return { ok: false, reason: `$${limit.usdPerHour} per hour for ${limit.scope} ${value}`, retryAfterSeconds: 360, headers };
      }
      if (limit.requestsPerMinute) {
        // One counter call: the attempt is counted, then refused if it went over (refused attempts
        // count too, so a client that keeps hammering stays limited).
        const after = await this.state.hit(`${base}:rpm`, 1, MINUTE, now);
        headers['x-ratelimit-limit-requests'] = String(limit.requestsPerMinute);
        headers['x-ratelimit-remaining-requests'] = String(Math.max(0, limit.requestsPerMinute - after));
        if (after > limit.requestsPerMinute) {
          return { ok: false, reason: `${limit.requestsPerMinute} requests per minute for ${limit.scope} ${value}`, retryAfterSeconds: 6, headers };
        }
      }
    }
    return { ok: true, headers };
  }

  /** True when a limit counts tokens or dollars: only then is there anything to record after a request. */
  get countsUsage(): boolean {
    return this.limits().some((l) => l.tokensPerMinute || l.usdPerHour);
  }

  /** Counts a finished request's tokens and dollars against its windows. */
  async record(subject: RateSubject, tokens: number, costNano: number, now: number): Promise<void> {
    for (const limit of this.limits()) {
      const value = valueOf(limit, subject);
      if (value === undefined) continue;
      const base = `rl:${limit.scope}:${value}`;
      if (limit.tokensPerMinute && tokens > 0) await this.state.hit(`${base}:tpm`, tokens, MINUTE, now);
      if (limit.usdPerHour && costNano > 0) await this.state.hit(`${base}:usd`, costNano, HOUR, now);
    }
  }
}
