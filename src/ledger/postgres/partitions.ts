import type { Pool } from 'pg';
import { withClient } from './connection.js';
import { SCHEMA_LOCK_KEY } from './migrations.js';

/** A UTC month as `YYYY-MM`. */
export type Month = string;

export function monthOf(ts: number): Month {
  return new Date(ts).toISOString().slice(0, 7);
}

/** [start, end) of a month in epoch ms: the partition's bounds. */
export function monthBounds(month: Month): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
}

export function partitionName(month: Month): string {
  // The name goes into DDL: accept nothing but a well-formed month.
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month (YYYY-MM): ${month}`);
  return `ledger_${month.replace('-', '_')}`;
}

/**
 * Creates the monthly partitions of the ledger before rows for those months are inserted, and
 * remembers which exist so the hot write path asks PostgreSQL once per month per process.
 * Creation is serialized across instances with the schema advisory lock (two concurrent
 * `CREATE TABLE IF NOT EXISTS ... PARTITION OF` can otherwise fail on the catalog's unique index).
 */
export class Partitions {
  private readonly known = new Set<Month>();

  constructor(private readonly pool: Pool) {}

  async ensureFor(timestamps: Iterable<number>): Promise<void> {
    const missing = new Set<Month>();
    for (const ts of timestamps) {
      const m = monthOf(ts);
      if (!this.known.has(m)) missing.add(m);
    }
    for (const m of [...missing].sort()) await this.create(m);
  }

  private async create(month: Month): Promise<void> {
    const [from, to] = monthBounds(month);
    await withClient(this.pool, async (client) => {
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
        // Bounds are integers we computed, the name is derived from them: no user input reaches the DDL.
        await client.query(`CREATE TABLE IF NOT EXISTS ${partitionName(month)} PARTITION OF ledger FOR VALUES FROM (${from}) TO (${to})`);
        await client.query('COMMIT');
        this.known.add(month);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        // 23514: the DEFAULT partition already holds rows of this month (written while the partition was
        // missing, e.g. after it was detached). Leave them there: rows still land in DEFAULT, nothing is lost.
        if ((err as { code?: string }).code !== '23514') throw err;
        console.error(`burnrate: ledger partition ${partitionName(month)} not created, rows of ${month} stay in ledger_default`);
        this.known.add(month);
      }
    });
  }

  /**
   * Detaches a month from the ledger: its rows leave every ledger query at once (no DELETE, no vacuum)
   * and stay in a standalone table to archive or drop. The rollups keep the month's totals.
   * Returns the detached table's name.
   */
  async detach(month: Month): Promise<string> {
    const name = partitionName(month);
    await this.pool.query(`ALTER TABLE ledger DETACH PARTITION ${name}`);
    this.known.delete(month);
    return name;
  }

  /** Monthly partitions currently attached to the ledger, oldest first. */
  async list(): Promise<Month[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'ledger'::regclass AND c.relname ~ '^ledger_[0-9]{4}_[0-9]{2}$' ORDER BY c.relname`,
    );
    return rows.map((r) => r.name.slice(7).replace('_', '-'));
  }
}
