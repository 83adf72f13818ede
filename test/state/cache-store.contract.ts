import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/state/types.js';
import { sleep, type Fixture, type FixtureFactory } from './fixtures.js';

/** Every CacheStore must pass this: run for the in-process store and for Redis. */
export function describeCacheStoreContract(name: string, factory: FixtureFactory<CacheStore>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let fx: Fixture<CacheStore>;
    beforeEach(() => {
      fx = factory();
    });
    afterEach(() => fx.dispose());
    const one = async () => (await fx.open(1))[0]!;

    it('returns what was set, byte for byte, and nothing for a missing key', async () => {
      const c = await one();
      const bytes = Buffer.from([0, 255, 1, 254, 0x0a, 0x0d, 0xc3, 0x28]);
      expect(await c.get('rc:missing')).toBeUndefined();
      await c.set('rc:a', bytes, 60_000);
      expect(await c.get('rc:a')).toEqual(bytes);
      await c.set('rc:a', Buffer.from('second'), 60_000);
      expect((await c.get('rc:a'))?.toString()).toBe('second');
    });

    it('is shared by several instances', async () => {
      const [a, b] = await fx.open(2);
      await a!.set('rc:shared', Buffer.from('answer'), 60_000);
      expect((await b!.get('rc:shared'))?.toString()).toBe('answer');
    });

    it('forgets an entry when its TTL passes', async () => {
      const c = await one();
      await c.set('rc:short', Buffer.from('x'), 100);
      await c.set('rc:long', Buffer.from('y'), 60_000);
      await sleep(200);
      expect(await c.get('rc:short')).toBeUndefined();
      expect((await c.get('rc:long'))?.toString()).toBe('y');
    });

    it('deletePrefix removes exactly the keys under the prefix and says how many', async () => {
      const c = await one();
      for (let i = 0; i < 1234; i++) await c.set(`rc:app1:${i}`, Buffer.from(String(i)), 60_000);
      await c.set('rc:app10:x', Buffer.from('other'), 60_000);
      await c.set('emb:app1:x', Buffer.from('other'), 60_000);
      // Glob characters in a prefix are literal.
      await c.set('rc:a*[b]?:1', Buffer.from('g'), 60_000);
      await c.set('rc:aX[b]?:1', Buffer.from('not g'), 60_000);
      expect(await c.deletePrefix('rc:app1:')).toBe(1234);
      expect(await c.get('rc:app1:7')).toBeUndefined();
      expect((await c.get('rc:app10:x'))?.toString()).toBe('other');
      expect((await c.get('emb:app1:x'))?.toString()).toBe('other');
      expect(await c.deletePrefix('rc:a*[b]?')).toBe(1);
      expect((await c.get('rc:aX[b]?:1'))?.toString()).toBe('not g');
      expect(await c.deletePrefix('nothing:')).toBe(0);
    });
  });
}
