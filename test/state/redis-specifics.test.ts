import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis, RedisBudgetState, RedisCacheStore, RedisWindowState, type RedisConnection } from '../../src/state/redis/index.js';
import { describeRedis, dropPrefix, REDIS_URL, testPrefix } from './fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every key under `prefix` with its remaining TTL (ms; -1 = none). */
async function ttls(client: Redis, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const k of keys) out.set(k.slice(prefix.length), await client.pttl(k));
  } while (cursor !== '0');
  return out;
}

describeRedis('Redis state specifics', () => {
  let conn: RedisConnection;
  let prefix: string;
  beforeEach(async () => {
    prefix = testPrefix();
    conn = await connectRedis(REDIS_URL, { prefix });
  });
  afterEach(async () => {
    await dropPrefix(conn.client, prefix);
    await conn.close();
  });

  it('gives every key a TTL: hour buckets their window + 1 h, calendar counters ~40 days', async () => {
    const s = new RedisBudgetState(conn.client, { prefix });
    const now = Date.now();
    const hour = Math.floor(now / HOUR);
    const r = await s.reserve(
      [
        { key: 'b:m:*:m2026-11', limitNano: 1e9, amountNano: 10 },
        { key: 'b:r:*:rolling', spentKeys: [0, 1, 2, 3].map((i) => `b:r:*:h${hour - i}`), spendKey: `b:r:*:h${hour}`, limitNano: 1e9, amountNano: 10 },
      ],
      60_000,
    );
    const open = await s.reserve([{ key: 'b:open:*:d2026-1-1', limitNano: 1e9, amountNano: 5 }], 60_000);
    if (!r.ok || !open.ok) throw new Error('refused');
    await s.seed(`b:r:*:h${hour - 1}`, 100);
    await s.add('b:soft:*:m2026-11', 5);
    const during = await ttls(conn.client, prefix);
    for (const [key, ttl] of during) expect([key, ttl > 0]).toEqual([key, true]);
    expect(during.get('rz:b:open:*:d2026-1-1')).toBeLessThanOrEqual(60_000);

    await s.settle(r.reservationId, 7);
    await s.release(open.reservationId);
    const after = await ttls(conn.client, prefix);
    // Only spend counters remain (with the dataset's generation and the rebuilt counter's mark): reservations leave nothing behind.
    expect([...after.keys()].sort()).toEqual([`ctr:b:m:*:m2026-11`, `ctr:b:r:*:h${hour - 1}`, `ctr:b:r:*:h${hour}`, 'ctr:b:soft:*:m2026-11', 'gen', `seeded:b:r:*:h${hour - 1}`]);
    expect(after.get('ctr:b:m:*:m2026-11')).toBeGreaterThan(39 * DAY);
    expect(after.get('ctr:b:m:*:m2026-11')).toBeLessThanOrEqual(40 * DAY);
    // A 4-hour window: the current bucket counts until 4 h after this hour ends, then 1 h more.
    const bucketEnd = (hour + 1 + 4 + 1) * HOUR - now;
    expect(Math.abs(after.get(`ctr:b:r:*:h${hour}`)! - bucketEnd)).toBeLessThan(5000);
    // Seeded without a known window: kept for the longest window a budget may have (90 days).
    expect(after.get(`ctr:b:r:*:h${hour - 1}`)).toBeGreaterThan(89 * DAY);
  });

  it('keeps working after Redis forgets its scripts (a restart)', async () => {
    const s = new RedisBudgetState(conn.client, { prefix });
    const w = new RedisWindowState(conn.client, { prefix });
    expect((await s.reserve([{ key: 'b:f', limitNano: 100, amountNano: 10 }], 60_000)).ok).toBe(true);
    await conn.client.script('FLUSH');
    expect((await s.reserve([{ key: 'b:f', limitNano: 100, amountNano: 10 }], 60_000)).ok).toBe(true);
    expect(await s.snapshot({ key: 'b:f' })).toEqual({ spentNano: 0, reservedNano: 20 });
    expect(await w.hit('x', 1, 60_000, Date.now())).toBe(1);
  });

  it('a reserved total left without its reservations (lost key, eviction) counts as 0', async () => {
    const s = new RedisBudgetState(conn.client, { prefix });
    expect((await s.reserve([{ key: 'b:h', limitNano: 100, amountNano: 60 }], 60_000)).ok).toBe(true);
    await conn.client.del(`${prefix}rz:b:h`);
    expect(await s.snapshot({ key: 'b:h' })).toEqual({ spentNano: 0, reservedNano: 0 });
    expect((await s.reserve([{ key: 'b:h', limitNano: 100, amountNano: 100 }], 60_000)).ok).toBe(true);
  });

  it('does not cache a value over the size cap', async () => {
    const c = new RedisCacheStore(conn.client, { prefix, maxValueBytes: 1000 });
    await c.set('big', Buffer.alloc(1001, 1), 60_000);
    await c.set('fits', Buffer.alloc(1000, 1), 60_000);
    expect(await c.get('big')).toBeUndefined();
    expect((await c.get('fits'))?.length).toBe(1000);
  });

  it('window and trip keys expire on their own', async () => {
    const w = new RedisWindowState(conn.client, { prefix });
    const now = Date.now();
    await w.hit('rl:k', 1, 60_000, now);
    await w.trip('lb:k', now + 30_000);
    const t = await ttls(conn.client, prefix);
    expect(t.get('win:rl:k')).toBeGreaterThan(50_000);
    expect(t.get('win:rl:k')).toBeLessThanOrEqual(60_000);
    expect(t.get('trip:lb:k')).toBeGreaterThan(25_000);
    expect(t.get('trip:lb:k')).toBeLessThanOrEqual(30_000);
  });
});

it('connectRedis fails fast with a clear reason, without the password', async () => {
  const started = Date.now();
  await expect(connectRedis('redis://:s3cret@127.0.0.1:1', { connectTimeoutMs: 500 })).rejects.toThrow(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  expect(Date.now() - started).toBeLessThan(2000);
});
