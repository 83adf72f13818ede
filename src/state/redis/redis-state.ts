import type { BudgetState, CacheStore, WindowState } from '../types.js';
import { connectRedis, type ConnectOptions } from './connect.js';
import { RedisBudgetState, type RedisBudgetOptions } from './redis-budget-state.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { RedisWindowState } from './redis-window-state.js';

export interface RedisStateOptions extends ConnectOptions, Omit<RedisBudgetOptions, 'prefix'> {
  /** Largest cached value (bytes); larger answers are not cached. */
  cacheMaxValueBytes?: number;
}

/** Everything a gateway instance shares with the others, over one connection. */
export interface RedisState {
  budgets: BudgetState;
  windows: WindowState;
  cache: CacheStore;
  /** Calls `listener` each time the connection comes back after a drop (Redis may have lost its data). */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export async function createRedisState(url: string, options: RedisStateOptions = {}): Promise<RedisState> {
  const conn = await connectRedis(url, options);
  const prefix = conn.prefix;
  return {
    budgets: new RedisBudgetState(conn.client, { ...options, prefix }),
    windows: new RedisWindowState(conn.client, { prefix }),
    cache: new RedisCacheStore(conn.client, { prefix, maxValueBytes: options.cacheMaxValueBytes }),
    onReconnect(listener) {
      // Connected already: the next 'ready' is a reconnect.
      let first = conn.client.status !== 'ready';
      conn.client.on('ready', () => {
        if (first) first = false;
        else listener();
      });
    },
    close: () => conn.close(),
  };
}
