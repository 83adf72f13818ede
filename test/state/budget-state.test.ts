import { MemoryBudgetState } from '../../src/state/index.js';
import { RedisBudgetState } from '../../src/state/redis/index.js';
import { describeBudgetStateContract } from './budget-state.contract.js';
import { describeRedis, memoryFixture, redisFixture } from './fixtures.js';

describeBudgetStateContract('in-process', memoryFixture(() => new MemoryBudgetState()));
describeRedis('Redis budgets', () => {
  describeBudgetStateContract('Redis', redisFixture((client, prefix) => new RedisBudgetState(client, { prefix })));
});
