import pg from 'pg';
import { createConnection } from 'node:net';

/**
 * The scale-out tests need real PostgreSQL and Redis. Under CI their absence fails the suite;
 * locally the tests are skipped with the reason.
 */
export async function servicesOrSkip(databaseUrl: string, redisUrl: string): Promise<boolean> {
  const problems: string[] = [];
  try {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  } catch (err) {
    problems.push(`PostgreSQL at ${databaseUrl}: ${(err as Error).message}`);
  }
  const redis = new URL(redisUrl);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: redis.hostname, port: Number(redis.port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!reachable) problems.push(`Redis at ${redisUrl}: unreachable`);
  if (problems.length === 0) return true;
  if (process.env.CI) throw new Error(`scale-out tests need PostgreSQL and Redis under CI: ${problems.join('; ')}`);
  console.warn(`skipping scale-out tests: ${problems.join('; ')}`);
  return false;
}
