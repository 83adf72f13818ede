import type { Pool, PoolClient } from 'pg';
import { isUnavailable } from './errors.js';

/**
 * Runs `fn` on a client checked out of the pool. pg-pool listens for errors only on idle clients: a
 * connection that dies while checked out (database restart, pg_terminate_backend, network cut) emits
 * 'error' with no listener, which would crash the process. The failure still reaches `fn` through its
 * pending query; a client that failed that way is discarded rather than returned to the pool.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (err) {
    lost ??= isUnavailable(err) ? (err as Error) : undefined;
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
}
