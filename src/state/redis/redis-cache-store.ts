import type { Redis } from 'ioredis';
import type { CacheStore } from '../types.js';
import { Keyspace } from './keys.js';

export interface RedisCacheOptions {
  prefix?: string;
  /** Values larger than this are not cached: one huge answer should not evict hundreds of small ones (bytes). */
  maxValueBytes?: number;
}

/** How many keys one SCAN step asks for and one UNLINK removes. */
const BATCH = 500;

/** Redis glob characters in a literal prefix, escaped for SCAN MATCH. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The response and embeddings caches in Redis, shared by every instance. Entries expire by TTL;
 * total size is bounded by Redis (`maxmemory`), and a single value by `maxValueBytes`.
 */
export class RedisCacheStore implements CacheStore {
  private readonly keys: Keyspace;
  private readonly maxValueBytes: number;

  constructor(
    private readonly client: Redis,
    options: RedisCacheOptions = {},
  ) {
    this.keys = new Keyspace(options.prefix);
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  }

  async get(key: string): Promise<Buffer | undefined> {
    return (await this.client.getBuffer(this.keys.cache(key))) ?? undefined;
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    if (value.length > this.maxValueBytes) return;
    await this.client.set(this.keys.cache(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  /** SCAN + UNLINK in batches: never a blocking KEYS, and the memory is freed off Redis's main thread. */
  async deletePrefix(prefix: string): Promise<number> {
    const match = `${escapeGlob(this.keys.cache(prefix))}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, found] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', BATCH);
      cursor = next;
      if (found.length > 0) deleted += await this.client.unlink(...found);
    } while (cursor !== '0');
    return deleted;
  }
}
