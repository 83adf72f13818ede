import type { BudgetState, CacheStore, WindowState } from '../types.js';
import { connectRedis, type ConnectOptions } from './connect.js';
import { RedisBudgetState, type RedisBudgetOptions } from './redis-budget-state.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { RedisWindowState } from './redis-window-state.js';

export interface RedisStateOptions extends ConnectOptions, Omit<RedisBudgetOptions, 'prefix' | 'onLost'> {
  /** Largest cached value (bytes); larger answers are not cached. */
  cacheMaxValueBytes?: number;
}

/** Everything a gateway instance shares with the others, over one connection. */
export interface RedisState {
  budgets: BudgetState;
  windows: WindowState;
  cache: CacheStore;
  /**
   * Calls `listener` when the budget counters must be rebuilt from the ledger: each time the
   * connection comes back after a drop (a rebuild that failed meanwhile is retried), and once Redis
   * is found to have lost its data and every instance has had time to write its ledger rows.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export async function createRedisState(url: string, options: RedisStateOptions = {}): Promise<RedisState> {
  const conn = await connectRedis(url, options);
  const prefix = conn.prefix;
  const listeners: (() => void)[] = [];
  const rebuild = () => {
    for (const listener of listeners) listener();
  };
  const budgets = new RedisBudgetState(conn.client, { ...options, prefix, onLost: rebuild });
  // Connected already: the next 'ready' is a reconnect.
  let first = conn.client.status !== 'ready';
  conn.client.on('ready', () => {
    if (first) {
      first = false;
      return;
    }
    rebuild();
    // Came back empty? Then reservations are refused until the counters are rebuilt.
    budgets.checkGeneration().catch(() => undefined);
  });
  return {
    budgets,
    windows: new RedisWindowState(conn.client, { prefix }),
    cache: new RedisCacheStore(conn.client, { prefix, maxValueBytes: options.cacheMaxValueBytes }),
    onReconnect(listener) {
      listeners.push(listener);
    },
    close: () => conn.close(),
  };
}
