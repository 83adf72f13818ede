// PostgreSQL for the ledger tests: a schema per test (parallel test files never share tables), and a
// clear decision when no server is there: skip locally, fail under CI.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresLedger, type PostgresLedgerOptions } from '../../src/ledger/postgres/index.js';
import type { LedgerBackend } from './ledger-contract.js';

export const PG_URL = process.env.BURNRATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or undefined when it can. Under CI a missing server is an error. */
export async function pgUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    const reason = `PostgreSQL not reachable at ${PG_URL} (set BURNRATE_TEST_PG_URL): ${(err as Error).message}`;
    if (process.env.CI) throw new Error(reason);
    console.warn(`skipping PostgreSQL ledger tests: ${reason}`);
    return reason;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An admin connection for assertions and clean-up, its search_path on `schema`. */
export async function adminClient(schema?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  return client;
}

export async function count(client: pg.Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

export const newSchema = () => `burnrate_test_${randomBytes(6).toString('hex')}`;

/** A fresh schema and spool directory; every ledger opened on it shares both (as a restarted process would). */
export async function pgBackend(over: Partial<PostgresLedgerOptions> & { url?: string } = {}): Promise<LedgerBackend & { schema: string; spoolDir: string; admin: pg.Client }> {
  const schema = newSchema();
  const spoolDir = mkdtempSync(join(tmpdir(), 'burnrate-spool-'));
  const admin = await adminClient(schema);
  return {
    schema,
    spoolDir,
    admin,
    async open() {
      const ledger = await PostgresLedger.open(over.url ?? PG_URL, { spoolDir, schema, flushIntervalMs: 10_000, ...over });
      return { ledger, queries: ledger.queries() };
    },
    countRows: () => count(admin, 'SELECT COUNT(*) AS n FROM ledger'),
    async dispose() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP relay in front of PostgreSQL that the test can cut (every connection dropped, new ones closed
 * at once, like a database that went away) and restore: an outage on demand, without touching the server.
 */
export async function startRelay(target = new URL(PG_URL)): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(PG_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
