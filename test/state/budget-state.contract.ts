import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetState, ReserveItem } from '../../src/state/types.js';
import { sleep, type Fixture, type FixtureFactory } from './fixtures.js';

const USD = 1_000_000_000;
const HOUR = 3_600_000;
const LEASE = 60_000;

/** A random integer amount in [min, max]. */
const rand = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Every BudgetState must pass this: run for the in-process state and for Redis. */
export function describeBudgetStateContract(name: string, factory: FixtureFactory<BudgetState>): void {
  describe(`BudgetState contract: ${name}`, () => {
    let fx: Fixture<BudgetState>;
    beforeEach(() => {
      fx = factory();
    });
    afterEach(() => fx.dispose());
    const one = async () => (await fx.open(1))[0]!;
    const month = (key: string, limitNano: number, amountNano: number): ReserveItem => ({ key, limitNano, amountNano });

    it('reserves on all budgets or on none', async () => {
      const s = await one();
      await s.add('b:team:m', 0.9 * USD);
      const refused = await s.reserve([month('b:app:m', 5 * USD, 0.2 * USD), month('b:team:m', 1 * USD, 0.2 * USD)], LEASE);
      expect(refused).toEqual({ ok: false, key: 'b:team:m', spentNano: 0.9 * USD, reservedNano: 0 });
      // The budget that had room holds nothing: the refusal reserved on none.
      expect(await s.snapshot({ key: 'b:app:m' })).toEqual({ spentNano: 0, reservedNano: 0 });
      const granted = await s.reserve([month('b:app:m', 5 * USD, 0.1 * USD), month('b:team:m', 1 * USD, 0.1 * USD)], LEASE);
      expect(granted.ok).toBe(true);
      expect(await s.snapshot({ key: 'b:app:m' })).toEqual({ spentNano: 0, reservedNano: 0.1 * USD });
      expect(await s.snapshot({ key: 'b:team:m' })).toEqual({ spentNano: 0.9 * USD, reservedNano: 0.1 * USD });
      // The reservation reports each counter as it left it, so callers need not read them again.
      expect(granted.ok && granted.levels).toEqual([{ spentNano: 0, reservedNano: 0.1 * USD }, { spentNano: 0.9 * USD, reservedNano: 0.1 * USD }]);
      // Exactly full: spent + reserved + amount = limit fits; one nano more does not.
      expect((await s.reserve([month('b:team:m', 1 * USD, 1)], LEASE)).ok).toBe(false);
    });

    it('never goes over the limit under 500 concurrent reserves, and grants every one that fits', async () => {
      const s = await one();
      const limit = 1 * USD;
      const amounts = Array.from({ length: 500 }, () => rand(1, 0.05 * USD));
      const results = await Promise.all(amounts.map((a) => s.reserve([month('b:c:m', limit, a)], LEASE)));
      let granted = 0;
      for (const [i, r] of results.entries()) if (r.ok) granted += amounts[i]!;
      expect(granted).toBeLessThanOrEqual(limit);
      expect(await s.snapshot({ key: 'b:c:m' })).toEqual({ spentNano: 0, reservedNano: granted });
      // Nothing was released, so a refusal justified at its time is still justified at the end.
      for (const [i, r] of results.entries()) if (!r.ok) expect(granted + amounts[i]!).toBeGreaterThan(limit);
    });

    it('settle moves reserved to spent exactly, to the nano, under concurrency', async () => {
      const s = await one();
      const limit = 1 * USD;
      let settled = 0;
      await Promise.all(
        Array.from({ length: 300 }, async () => {
          const worst = rand(1, 0.02 * USD);
          const r = await s.reserve([month('b:s:m', limit, worst)], LEASE);
          if (!r.ok) return;
          const actual = rand(0, worst);
          settled += actual;
          await s.settle(r.reservationId, actual);
        }),
      );
      expect(await s.snapshot({ key: 'b:s:m' })).toEqual({ spentNano: settled, reservedNano: 0 });
      expect(settled).toBeLessThanOrEqual(limit);
    });

    it('settling twice counts once; release frees without spending', async () => {
      const s = await one();
      const r = await s.reserve([month('b:x:m', USD, 300)], LEASE);
      if (!r.ok) throw new Error('refused');
      await s.settle(r.reservationId, 120);
      await s.settle(r.reservationId, 120);
      const q = await s.reserve([month('b:x:m', USD, 500)], LEASE);
      if (!q.ok) throw new Error('refused');
      expect(await s.snapshot({ key: 'b:x:m' })).toEqual({ spentNano: 120, reservedNano: 500 });
      await s.release(q.reservationId);
      expect(await s.snapshot({ key: 'b:x:m' })).toEqual({ spentNano: 120, reservedNano: 0 });
      await s.release('no-such-reservation');
      await s.settle('no-such-reservation', 99);
      expect(await s.snapshot({ key: 'b:x:m' })).toEqual({ spentNano: 120, reservedNano: 0 });
    });

    it('keeps large integer amounts exact', async () => {
      const s = await one();
      const big = 2 ** 41 + 7; // ≈ $2,199: beyond 32 bits, and odd
      await s.add('b:big:m', big);
      const r = await s.reserve([month('b:big:m', 10_000 * USD, big)], LEASE);
      if (!r.ok) throw new Error('refused');
      await s.settle(r.reservationId, big - 3);
      expect(await s.snapshot({ key: 'b:big:m' })).toEqual({ spentNano: 2 * big - 3, reservedNano: 0 });
    });

    it('sums the hourly buckets of a rolling window and books spend in the current one', async () => {
      const s = await one();
      const hour = Math.floor(Date.now() / HOUR);
      const base = 'b:roll:*';
      const item = (amountNano: number): ReserveItem => ({
        key: `${base}:rolling`,
        spentKeys: [0, 1, 2].map((i) => `${base}:h${hour - i}`),
        spendKey: `${base}:h${hour}`,
        limitNano: 1000,
        amountNano,
      });
      await s.add(`${base}:h${hour - 1}`, 300);
      await s.add(`${base}:h${hour - 2}`, 400);
      await s.add(`${base}:h${hour - 3}`, 5000); // outside the window
      expect(await s.reserve([item(301)], LEASE)).toEqual({ ok: false, key: `${base}:rolling`, spentNano: 700, reservedNano: 0 });
      const r = await s.reserve([item(300)], LEASE);
      if (!r.ok) throw new Error('refused');
      expect(await s.snapshot(item(0))).toEqual({ spentNano: 700, reservedNano: 300 });
      await s.settle(r.reservationId, 250);
      expect(await s.snapshot(item(0))).toEqual({ spentNano: 950, reservedNano: 0 });
      expect(await s.snapshot({ key: `${base}:h${hour}` })).toEqual({ spentNano: 250, reservedNano: 0 });
    });

    it('seed does not overwrite a counter, and concurrent seeds by several instances count once', async () => {
      const [a, b, c] = await fx.open(3);
      await Promise.all([a!, b!, c!, a!, b!, c!].map((s) => s.seed('b:seed:m', 700)));
      expect(await a!.snapshot({ key: 'b:seed:m' })).toEqual({ spentNano: 700, reservedNano: 0 });
      await b!.add('b:seed:m', 50);
      await c!.seed('b:seed:m', 10_000);
      expect(await c!.snapshot({ key: 'b:seed:m' })).toEqual({ spentNano: 750, reservedNano: 0 });
    });

    it('releases a reservation whose lease ended (its instance died)', async () => {
      const s = await one();
      const r = await s.reserve([month('b:lease:m', 1000, 800)], 200);
      expect(r.ok).toBe(true);
      expect((await s.reserve([month('b:lease:m', 1000, 800)], 200)).ok).toBe(false);
      await sleep(300);
      expect(await s.snapshot({ key: 'b:lease:m' })).toEqual({ spentNano: 0, reservedNano: 0 });
      // Settling after the lease ended books nothing: the budget already gave the amount back.
      if (r.ok) await s.settle(r.reservationId, 800);
      expect((await s.reserve([month('b:lease:m', 1000, 800)], LEASE)).ok).toBe(true);
      expect(await s.snapshot({ key: 'b:lease:m' })).toEqual({ spentNano: 0, reservedNano: 800 });
    });

    it('holds one $1.00 budget across two instances reserving and settling concurrently', async () => {
      const [a, b] = await fx.open(2);
      let settled = 0;
      let admitted = 0;
      const run = async (s: BudgetState) => {
        const worst = rand(0.001 * USD, 0.03 * USD);
        const r = await s.reserve([month('b:shared:m', USD, worst), month('b:app:m', 100 * USD, worst)], LEASE);
        if (!r.ok) return;
        admitted++;
        const actual = rand(0, worst);
        settled += actual;
        await s.settle(r.reservationId, actual);
      };
      await Promise.all(Array.from({ length: 400 }, (_, i) => run(i % 2 ? a! : b!)));
      const snap = await a!.snapshot({ key: 'b:shared:m' });
      expect(snap).toEqual({ spentNano: settled, reservedNano: 0 });
      expect(snap.spentNano).toBeLessThanOrEqual(USD);
      expect(await b!.snapshot({ key: 'b:app:m' })).toEqual({ spentNano: settled, reservedNano: 0 });
      expect(admitted).toBeGreaterThan(30);
    });
  });
}
