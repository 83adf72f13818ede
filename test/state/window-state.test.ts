import { MemoryWindowState } from '../../src/state/index.js';
import { RedisWindowState } from '../../src/state/redis/index.js';
import { describeWindowStateContract } from './window-state.contract.js';
import { describeRedis, memoryFixture, redisFixture } from './fixtures.js';

describeWindowStateContract('in-process', memoryFixture(() => new MemoryWindowState()));
describeRedis('Redis windows', () => {
  describeWindowStateContract('Redis', redisFixture((client, prefix) => new RedisWindowState(client, { prefix })));
});
