import { describe, expect, it } from 'vitest';
import { MemoryBudgetState } from '../../src/state/index.js';
import { RedisBudgetState } from '../../src/state/redis/index.js';
import { describeBudgetStateContract } from './budget-state.contract.js';
import { describeRedis, memoryFixture, redisFixture } from './fixtures.js';

describeBudgetStateContract('in-process', memoryFixture(() => new MemoryBudgetState()));
describeRedis('Redis budgets', () => {
  describeBudgetStateContract('Redis', redisFixture((client, prefix) => new RedisBudgetState(client, { prefix })));
});

describe('the in-process budget state', () => {
  it('keeps counting exactly through the sweeps of settled reservations, and still expires the live ones', () => {
    let now = 1_000_000;
    const s = new MemoryBudgetState(() => now);
    const item = (amountNano: number) => ({ key: 'b:sweep:m', limitNano: 1_000_000, amountNano });
    // One reservation held across several sweeps (a long stream), with thousands settled around it.
    const held = s.reserve([item(500)], 60_000);
    expect(held.ok).toBe(true);
    for (let i = 0; i < 5000; i++) {
      const r = s.reserve([item(100)], 60_000);
      if (!r.ok) throw new Error('refused');
      expect(s.settle(r.reservationId, 10)).toBe(true);
      expect(s.settle(r.reservationId, 10)).toBe(false); // settled once
    }
    expect(s.snapshot({ key: 'b:sweep:m' })).toEqual({ spentNano: 50_000, reservedNano: 500 });
    // A handle this state did not give is not a reservation (a Redis id, say).
    expect(s.settle('r1', 10)).toBe(false);
    now += 60_000;
    expect(s.snapshot({ key: 'b:sweep:m' })).toEqual({ spentNano: 50_000, reservedNano: 0 });
    if (held.ok) expect(s.settle(held.reservationId, 400)).toBe(false);
  });
});
