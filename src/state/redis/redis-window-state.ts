import type { Redis } from 'ioredis';
import type { WindowState } from '../types.js';
import { Keyspace } from './keys.js';
import { HIT } from './lua.js';
import { defineScript, int, type ScriptFn } from './scripts.js';

/** Same approximation as the in-process state: a window is 10 slices. */
const SLICES = 10;

/**
 * Sliding-window counters and breaker trips shared by every gateway instance: a hash per key of
 * slice → count that expires with its window. Slices follow the caller's `now`, like the
 * in-process state; instance clocks a few seconds apart only blur slice edges.
 */
export class RedisWindowState implements WindowState {
  private readonly keys: Keyspace;
  private readonly hitScript: ScriptFn;

  constructor(
    private readonly client: Redis,
    options: { prefix?: string } = {},
  ) {
    this.keys = new Keyspace(options.prefix);
    this.hitScript = defineScript(client, 'burnrateHit', HIT);
  }

  async hit(key: string, amount: number, windowMs: number, now: number): Promise<number> {
    return (await this.hitScript(1, this.keys.window(key), int(amount), Math.max(1, Math.ceil(windowMs)), Math.floor(now))) as number;
  }

  /** Read-only, so a plain HGETALL: the expired slices are dropped by the next hit or the TTL. */
  async peek(key: string, windowMs: number, now: number): Promise<number> {
    const slices = await this.client.hgetall(this.keys.window(key));
    const window = Math.max(1, Math.ceil(windowMs));
    const sliceMs = Math.max(1, Math.ceil(window / SLICES));
    const oldest = Math.floor((Math.floor(now) - window) / sliceMs);
    let total = 0;
    for (const [slice, v] of Object.entries(slices)) if (Number(slice) > oldest) total += Number(v);
    return total;
  }

  /** `until` is wall-clock ms, as the gateway passes `Date.now()`-based times; Redis drops the key then. */
  async trip(key: string, until: number): Promise<void> {
    await this.client.set(this.keys.trip(key), String(Math.floor(until)), 'PXAT', Math.max(1, Math.floor(until)));
  }

  async trippedUntil(key: string, now: number): Promise<number | undefined> {
    const v = await this.client.get(this.keys.trip(key));
    if (v === null) return undefined;
    const until = Number(v);
    return until > now ? until : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.client.unlink(this.keys.window(key), this.keys.trip(key));
  }
}
