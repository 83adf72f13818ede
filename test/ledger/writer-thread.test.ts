import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeRow } from '../helpers/rows.js';

// The writer thread runs the built worker (dist/), as `burnrate serve` does; `npm test` builds first.
const dist = '../../dist/';
const { openSqlite } = (await import(`${dist}db/sqlite.js`)) as typeof import('../../src/db/sqlite.js');
const { SQLITE_MIGRATIONS } = (await import(`${dist}db/migrations.js`)) as typeof import('../../src/db/migrations.js');
const { SqliteLedger } = (await import(`${dist}ledger/index.js`)) as typeof import('../../src/ledger/index.js');
const { LedgerWriterThread } = (await import(`${dist}ledger/sqlite/writer-thread.js`)) as typeof import('../../src/ledger/sqlite/writer-thread.js');
const { toLine } = (await import(`${dist}ledger/row-line.js`)) as typeof import('../../src/ledger/row-line.js');

type Db = ReturnType<typeof openSqlite>;
const countRows = (db: Db) => (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
/** Waits up to 2 s for the ledger to hold `n` rows, looking every `everyMs`; returns how many it holds. */
async function untilRows(db: Db, n: number, everyMs = 5): Promise<number> {
  const deadline = Date.now() + 2000;
  while (countRows(db) < n && Date.now() < deadline) await sleep(everyMs);
  return countRows(db);
}

describe('SQLite ledger with a writer thread', () => {
  it('writes every row and its rollups off the event loop, readable at once after flush', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    const ledger = new SqliteLedger(db, { writerThread: true, flushIntervalMs: 5, maxBatch: 500 });
    const rows = Array.from({ length: 3001 }, (_, i) => makeRow({ costNano: i + 1, customer: `c${i % 7}` }));
    for (const r of rows) ledger.append(r);
    // A row handed to the thread but maybe not written yet is still found, and so is one still queued
    // (the last: the 3000 before it filled six batches of 500).
    expect(await ledger.get(rows[2999]!.id)).toMatchObject({ costNano: 3000 });
    expect(await ledger.get(rows[3000]!.id)).toEqual(rows[3000]);
    await ledger.flush();
    const stored = db.prepare('SELECT COUNT(*) AS n, SUM(cost_nano) AS cost FROM ledger').get() as { n: number; cost: number };
    expect(stored).toEqual({ n: 3001, cost: (3001 * 3002) / 2 });
    const [day] = await ledger.usage({ from: rows[0]!.ts, to: rows[0]!.ts + 1, groupBy: 'day' });
    expect(day).toMatchObject({ requests: 3001, costNano: (3001 * 3002) / 2 });
    await ledger.close();
    db.close();
  });

  it('keeps rows it cannot write, reports them unwritten, and writes them once it can', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    const ledger = new SqliteLedger(db, { writerThread: true, flushIntervalMs: 5 });
    const rows = Array.from({ length: 50 }, (_, i) => makeRow({ costNano: i + 1 }));
    ledger.append(rows[0]!);
    await ledger.sync(); // the thread is up, its statements prepared
    // Its inserts fail while the table is away.
    db.exec('ALTER TABLE ledger RENAME TO ledger_away');
    for (const r of rows.slice(1)) ledger.append(r);
    await expect(ledger.sync()).rejects.toThrow(/could not be written/);
    expect(await ledger.get(rows[7]!.id)).toEqual(rows[7]);
    db.exec('ALTER TABLE ledger_away RENAME TO ledger');
    await ledger.sync();
    expect(db.prepare('SELECT COUNT(*) AS n, SUM(cost_nano) AS cost FROM ledger').get()).toEqual({ n: 50, cost: (50 * 51) / 2 });
    // Counted once in the rollups, though the batch was tried several times.
    expect(db.prepare('SELECT SUM(requests) AS n FROM rollup_day').get()).toEqual({ n: 50 });
    await ledger.close();
    db.close();
  });

  it('writes rows on its own within the flush interval, inline and through the thread, and again after an idle spell', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    for (const writerThread of [false, true]) {
      const ledger = new SqliteLedger(db, { writerThread, flushIntervalMs: 20 });
      const before = countRows(db);
      ledger.append(makeRow());
      expect(await untilRows(db, before + 1)).toBe(before + 1);
      await sleep(60); // idle: no timer left to fire
      ledger.append(makeRow());
      ledger.append(makeRow());
      expect(await untilRows(db, before + 3)).toBe(before + 3);
      await ledger.close();
    }
    db.close();
  });

  it('holds a small batch until enough rows join it, or a flush asks, finding its rows meanwhile', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    const thread = LedgerWriterThread.start(file, { minBatch: 3, waitMs: 60_000 })!;
    const rows = Array.from({ length: 5 }, (_, i) => makeRow({ costNano: i + 1 }));
    thread.write([toLine(rows[0]!), toLine(rows[1]!)]);
    await sleep(150);
    expect(countRows(db)).toBe(0); // two rows wait for a third
    expect(await thread.find(rows[1]!.id)).toEqual(rows[1]);
    thread.write([toLine(rows[2]!)]);
    expect(await untilRows(db, 3)).toBe(3);
    thread.write([toLine(rows[3]!)]);
    thread.write([toLine(rows[4]!)]);
    await sleep(150);
    expect(countRows(db)).toBe(3);
    expect(await thread.flush()).toBe(true);
    expect(countRows(db)).toBe(5);
    await thread.stop();
    db.close();
  });

  it('lets a lone row wait for company at the default interval, then writes it without a flush', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    const ledger = new SqliteLedger(db, { writerThread: true });
    ledger.append(makeRow());
    await ledger.sync(); // the thread is up
    const appended = performance.now();
    ledger.append(makeRow());
    expect(await untilRows(db, 2, 2)).toBe(2);
    // Handed over after 10 ms, then held 40 ms for company: a delay can only make it later.
    expect(performance.now() - appended).toBeGreaterThanOrEqual(45);
    await ledger.close();
    db.close();
  });

  it('answers flushes and lookups once its thread has stopped, instead of leaving them waiting', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    openSqlite(file, SQLITE_MIGRATIONS).close();
    const thread = LedgerWriterThread.start(file)!;
    expect(await thread.flush()).toBe(true);
    await thread.stop();
    // Not written (there is no thread to write it): the caller's sync fails and the journal keeps the rows.
    expect(await thread.flush()).toBe(false);
    expect(await thread.find('req_any')).toBeUndefined();
  });
});
