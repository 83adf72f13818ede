import { Redis } from 'ioredis';

export interface RedisConnection {
  client: Redis;
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  prefix: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  prefix?: string;
  /** Give up connecting at startup after this long (ms). */
  connectTimeoutMs?: number;
  /** A command that takes longer fails rather than hold a request (ms). */
  commandTimeoutMs?: number;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured Redis URL';
  }
}

/**
 * Connects for a gateway on the hot path: commands issued in the same tick share one round trip
 * (auto-pipelining), and when Redis is down a request fails within a retry instead of queueing
 * through twenty reconnects. Resolves once Redis answers; rejects with the reason if it doesn't.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<RedisConnection> {
  const client = new Redis(url, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    lazyConnect: false,
  });
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      client.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      client.off('ready', onReady);
      client.disconnect();
      reject(new Error(`cannot reach Redis at ${redactUrl(url)}: ${err.message}`));
    };
    client.once('ready', onReady);
    client.once('error', onError);
  });
  // After startup a lost connection is retried in the background; say so once per outage, not per attempt.
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) console.error(`redis: ${err.message} (retrying)`);
    down = true;
  });
  client.on('ready', () => (down = false));
  return {
    client,
    prefix: options.prefix ?? 'burnrate:',
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
