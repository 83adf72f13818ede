import { MemoryCacheStore } from '../../src/state/index.js';
import { RedisCacheStore } from '../../src/state/redis/index.js';
import { describeCacheStoreContract } from './cache-store.contract.js';
import { describeRedis, memoryFixture, redisFixture } from './fixtures.js';

describeCacheStoreContract('in-process', memoryFixture(() => new MemoryCacheStore(64 * 1024 * 1024)));
describeRedis('Redis cache', () => {
  describeCacheStoreContract('Redis', redisFixture((client, prefix) => new RedisCacheStore(client, { prefix })));
});
