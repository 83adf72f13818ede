import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis, type RedisConnection } from '../../src/state/redis/index.js';

/** One store seen through `n` handles: for Redis, n connections, as n gateway instances would. */
export interface Fixture<T> {
  open(n?: number): Promise<T[]>;
  dispose(): Promise<void>;
}
export type FixtureFactory<T> = () => Fixture<T>;

/** In one process every "instance" shares the same object. */
export function memoryFixture<T>(make: () => T): FixtureFactory<T> {
  return () => {
    const shared = make();
    return { open: async (n = 1) => Array.from({ length: n }, () => shared), dispose: async () => {} };
  };
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used, or undefined when it answers. Probed once per test file. */
export const redisDown: string | undefined = await connectRedis(REDIS_URL, { connectTimeoutMs: 1000 }).then(
  async (c) => {
    await c.close();
    return undefined;
  },
  (err: Error) => err.message,
);

/** Removes every key under `prefix` (SCAN + UNLINK). */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await client.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * Each fixture gets its own random key prefix, so tests (and parallel test files) never see each
 * other's keys, and its keys are removed afterwards.
 */
export function redisFixture<T>(make: (client: Redis, prefix: string) => T): FixtureFactory<T> {
  return () => {
    const prefix = testPrefix();
    const conns: RedisConnection[] = [];
    return {
      async open(n = 1) {
        const opened = await Promise.all(Array.from({ length: n }, () => connectRedis(REDIS_URL, { prefix })));
        conns.push(...opened);
        return opened.map((c) => make(c.client, prefix));
      },
      async dispose() {
        if (conns[0]) await dropPrefix(conns[0].client, prefix);
        await Promise.all(conns.map((c) => c.close()));
      },
    };
  };
}

export const testPrefix = () => `burnrate-test:${randomBytes(6).toString('hex')}:`;

/**
 * Runs Redis tests when Redis answers. Under CI a missing Redis fails the suite (a skipped backend
 * would pass unnoticed); locally the tests are skipped with the reason.
 */
export function describeRedis(name: string, body: () => void): void {
  if (redisDown === undefined) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`Redis is required under CI (REDIS_URL=${REDIS_URL}): ${redisDown}`);
      });
    });
    return;
  }
  console.warn(`[skip] ${name}: ${redisDown}. Start Redis or set REDIS_URL to run these tests.`);
  describe.skip(`${name} (no Redis: ${redisDown})`, body);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
