import { describe, expect, it } from 'vitest';
import { MemoryWindowState } from '../../src/state/index.js';
import { RedisWindowState } from '../../src/state/redis/index.js';
import { describeWindowStateContract } from './window-state.contract.js';
import { describeRedis, memoryFixture, redisFixture } from './fixtures.js';

describeWindowStateContract('in-process', memoryFixture(() => new MemoryWindowState()));
describeRedis('Redis windows', () => {
  describeWindowStateContract('Redis', redisFixture((client, prefix) => new RedisWindowState(client, { prefix })));
});

describe('in-process windows', () => {
  it('a hit stamped before the newest one (the clock stepped back) counts in its own slice, and leaves with it', async () => {
    const w = new MemoryWindowState();
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    await w.hit('k', 1, 60_000, t0 + 30_000);
    expect(await w.hit('k', 2, 60_000, t0 + 6_000)).toBe(3);
    expect(await w.hit('k', 4, 60_000, t0 + 18_000)).toBe(7);
    expect(await w.hit('k', 8, 60_000, t0 + 6_500)).toBe(15);
    // At t0 + 72 s the window starts at t0 + 12 s: the two hits of the slice at 6 s are gone.
    expect(await w.peek('k', 60_000, t0 + 72_000)).toBe(5);
  });

  it('drops series idle for a window and a half, without a sweep; a series in use keeps its count', () => {
    const w = new MemoryWindowState();
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    for (let i = 0; i < 10_000; i++) w.hit(`lb:rep:k:${i}`, 1, 60_000, t0 + i);
    expect(w.size).toBe(10_000);
    // One series hit every 10 s for 3 minutes: the idle ones leave, it stays and counts its last minute.
    let total = 0;
    for (let t = t0 + 10_000; t <= t0 + 180_000; t += 10_000) total = w.hit('rl:app:a:rpm', 1, 60_000, t);
    expect(w.size).toBe(1);
    expect(total).toBe(6);
    expect(w.peek('lb:rep:k:1', 60_000, t0 + 180_000)).toBe(0);
  });
});
