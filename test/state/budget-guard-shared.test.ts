import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetGuard, BudgetSchema, type BudgetSubject, type SpendSource } from '../../src/controls/index.js';
import { MemoryBudgetState } from '../../src/state/index.js';
import { RedisBudgetState } from '../../src/state/redis/index.js';
import type { BudgetState } from '../../src/state/types.js';
import { describeRedis, memoryFixture, redisFixture, type Fixture, type FixtureFactory } from './fixtures.js';

const USD = 1_000_000_000;
const HOUR = 3_600_000;

/**
 * The real caller on top of each backend: two BudgetGuards (two gateway instances) rebuild their
 * counters from the same ledger and admit requests concurrently against a monthly and a rolling budget.
 */
function describeSharedGuards(name: string, factory: FixtureFactory<BudgetState>): void {
  describe(`BudgetGuard over ${name}`, () => {
    let fx: Fixture<BudgetState>;
    beforeEach(() => {
      fx = factory();
    });
    afterEach(() => fx.dispose());

    it('two instances seeded from one ledger hold a month and a 24 h rolling budget together', async () => {
      const now = Date.now();
      const hour = Math.floor(now / HOUR);
      const budgets = [
        BudgetSchema.parse({ id: 'month', scope: 'app', match: 'support', limitUsd: 1 }),
        BudgetSchema.parse({ id: 'day', scope: 'customer', limitUsd: 0.5, period: 'rolling', windowHours: 24 }),
      ];
      // The ledger already holds $0.30 this month, $0.20 of it for acme in the last 24 h (and older spend outside).
      const ledger: SpendSource = async (_from, scope) =>
        scope === 'app' ? new Map([[hour, 0.3 * USD]]) : new Map([[hour - 1, 0.2 * USD], [hour - 30, 5 * USD]]);
      const [a, b] = await fx.open(2);
      const guards = [new BudgetGuard(() => budgets, a!, ledger), new BudgetGuard(() => budgets, b!, ledger)];
      const subject: BudgetSubject = { app: 'support', keyId: 'k1', customer: 'acme', feature: null, model: 'gpt-4o' };
      let settled = 0;
      // Waves of 10 concurrent requests, so settled reservations free room for the next wave.
      for (let wave = 0; wave < 20; wave++) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const admission = await guards[i % 2]!.admit(subject, 0.01 * USD, now);
            if (!admission.ok) return;
            settled += 0.004 * USD;
            await guards[i % 2]!.settle(admission, 0.004 * USD);
          }),
        );
      }
      const [month, day] = await guards[0]!.status(now);
      // Seeded once (not twice), and the rolling window never went over its $0.50.
      expect(month!.spentNano).toBe(0.3 * USD + settled);
      expect(day!.spentNano).toBe(0.2 * USD + settled);
      expect(day!.spentNano).toBeLessThanOrEqual(0.5 * USD);
      expect(day!.reservedNano).toBe(0);
      // Refusals only once the window was nearly full: at most one wave's worst cases short of it.
      expect(settled).toBeGreaterThan(0.2 * USD);
    });
  });
}

describeSharedGuards('the in-process state', memoryFixture(() => new MemoryBudgetState()));
describeRedis('BudgetGuard over Redis', () => {
  describeSharedGuards('Redis', redisFixture((client, prefix) => new RedisBudgetState(client, { prefix })));
});
