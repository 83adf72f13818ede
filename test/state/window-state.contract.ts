import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowState } from '../../src/state/types.js';
import { sleep, type Fixture, type FixtureFactory } from './fixtures.js';

const MINUTE = 60_000;

/** Every WindowState must pass this: run for the in-process state and for Redis. */
export function describeWindowStateContract(name: string, factory: FixtureFactory<WindowState>): void {
  describe(`WindowState contract: ${name}`, () => {
    let fx: Fixture<WindowState>;
    beforeEach(() => {
      fx = factory();
    });
    afterEach(() => fx.dispose());
    const one = async () => (await fx.open(1))[0]!;

    it('hit returns the total after adding; peek reads it without adding', async () => {
      const w = await one();
      const now = Date.now();
      expect(await w.peek('rl:k:rpm', MINUTE, now)).toBe(0);
      expect(await w.hit('rl:k:rpm', 1, MINUTE, now)).toBe(1);
      expect(await w.hit('rl:k:rpm', 250, MINUTE, now + 10)).toBe(251);
      expect(await w.peek('rl:k:rpm', MINUTE, now + 20)).toBe(251);
      expect(await w.peek('rl:other:rpm', MINUTE, now + 20)).toBe(0);
    });

    it('slides: hits older than the window stop counting (to a tenth of the window)', async () => {
      const w = await one();
      const t0 = Math.floor(Date.now() / MINUTE) * MINUTE; // slice-aligned, so the edges are exact
      await w.hit('lb:rep:x', 5, MINUTE, t0);
      await w.hit('lb:rep:x', 7, MINUTE, t0 + 30_000);
      expect(await w.peek('lb:rep:x', MINUTE, t0 + 59_000)).toBe(12);
      expect(await w.peek('lb:rep:x', MINUTE, t0 + 66_000)).toBe(7);
      expect(await w.hit('lb:rep:x', 1, MINUTE, t0 + 66_000)).toBe(8);
      expect(await w.peek('lb:rep:x', MINUTE, t0 + 96_000)).toBe(1);
    });

    it('counts hits from several instances in one window', async () => {
      const [a, b] = await fx.open(2);
      const now = Date.now();
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a! : b!).hit('rl:shared:tpm', 3, MINUTE, now)));
      expect(await a!.peek('rl:shared:tpm', MINUTE, now)).toBe(600);
    });

    it('trips until a time, then reopens; reset clears the count and the trip', async () => {
      const w = await one();
      const now = Date.now();
      expect(await w.trippedUntil('lb:key:k', now)).toBeUndefined();
      await w.trip('lb:key:k', now + 5000);
      expect(await w.trippedUntil('lb:key:k', now + 10)).toBe(now + 5000);
      expect(await w.trippedUntil('lb:key:k', now + 5000)).toBeUndefined();
      await w.hit('lb:key:k', 3, MINUTE, now);
      await w.reset('lb:key:k');
      expect(await w.trippedUntil('lb:key:k', now + 10)).toBeUndefined();
      expect(await w.peek('lb:key:k', MINUTE, now + 10)).toBe(0);
    });

    it('a trip ends by itself when its time passes', async () => {
      const w = await one();
      await w.trip('lb:req:k:h', Date.now() + 150);
      expect(await w.trippedUntil('lb:req:k:h', Date.now())).toBeDefined();
      await sleep(250);
      expect(await w.trippedUntil('lb:req:k:h', Date.now())).toBeUndefined();
    });
  });
}
