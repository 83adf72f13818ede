import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite.js';
import { SqliteLedger } from '../../src/ledger/index.js';
import { JournaledLedger } from '../../src/ledger/journal.js';
import { fromLine } from '../../src/ledger/row-line.js';
import { makeRow } from '../helpers/rows.js';

const dirs: string[] = [];
const dbs: SqliteDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-journal-'));
  dirs.push(dir);
  const db = openSqlite(join(dir, 'b.db'), SQLITE_MIGRATIONS);
  dbs.push(db);
  const journalDir = join(dir, 'journal');
  const segments = () => (existsSync(journalDir) ? readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')) : []);
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
  const dayCost = () => (db.prepare('SELECT COALESCE(SUM(cost_nano), 0) AS c FROM rollup_day').get() as { c: number }).c;
  return { dir, db, journalDir, segments, count, dayCost };
}

/** A pid no process has (the kernel's pid_max is at most 2^22). */
const DEAD_PID = 4_194_305;

describe('ledger journal', () => {
  it('journals the rows of one event-loop turn in one write, and deletes segments once the rows are written', async () => {
    const { db, journalDir, segments, count } = setup();
    // Rows would wait 10 s in memory: only the journal holds them meanwhile.
    const { ledger } = JournaledLedger.open(new SqliteLedger(db, { flushIntervalMs: 10_000 }), journalDir, { intervalMs: 20 });
    const rows = [makeRow(), makeRow(), makeRow()];
    for (const r of rows) ledger.append(r);
    const pending = ledger.journaled();
    // Not written yet: there is something to wait for.
    expect(pending).toBeInstanceOf(Promise);
    expect(segments()).toEqual([]);
    await pending;
    const journaled = segments().flatMap((s) => readFileSync(join(journalDir, s), 'utf8').trim().split('\n').map((l) => fromLine(l).id));
    expect(journaled).toEqual(rows.map((r) => r.id));
    // The journal's own cycle syncs the ledger, then drops the segment.
    for (let i = 0; i < 100 && segments().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(segments()).toEqual([]);
    expect(count()).toBe(3);
    await ledger.close();
  });

  it('keeps rotating after cycles with nothing to do (a gateway idle at start-up), and empties the journal on close', async () => {
    const { db, journalDir, segments, count } = setup();
    const { ledger } = JournaledLedger.open(new SqliteLedger(db, { flushIntervalMs: 10_000 }), journalDir, { intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 50)); // idle cycles first
    for (let round = 0; round < 3; round++) {
      ledger.append(makeRow());
      await ledger.journaled(); // in a segment now; a round (every 10 ms) writes it and deletes the segment
      for (let i = 0; i < 300 && segments().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(segments()).toEqual([]);
    }
    ledger.append(makeRow());
    await ledger.journaled();
    await ledger.close();
    expect(segments()).toEqual([]);
    expect(count()).toBe(4);
  });

  it('writes at once when the request is alone in flight: nothing could join its write', async () => {
    const { db, journalDir, segments } = setup();
    const { ledger } = JournaledLedger.open(new SqliteLedger(db, { flushIntervalMs: 10_000 }), journalDir, { intervalMs: 10_000 });
    ledger.alone = () => true;
    const row = makeRow();
    ledger.append(row);
    const done = ledger.journaled();
    // Already in the file, before the event-loop turn ends: nothing to wait for, the answer needs no await.
    expect(segments().flatMap((f) => readFileSync(join(journalDir, f), 'utf8').trim().split('\n').map((l) => fromLine(l).id))).toEqual([row.id]);
    expect(done).toBeUndefined();
    await ledger.close();
  });

  it('adopts the segments of a process that is gone: rows written once, rollups counted once', async () => {
    const { db, journalDir, segments, count, dayCost } = setup();
    const written = makeRow({ costNano: 1_000 });
    const lost = [makeRow({ costNano: 20_000 }), makeRow({ costNano: 300_000 })];
    // The dead process had written one row before it died; the other two were only in its journal.
    const pre = new SqliteLedger(db);
    pre.append(written);
    await pre.close();
    mkdirSync(journalDir, { recursive: true });
    writeFileSync(join(journalDir, `${DEAD_PID}-1-0.jsonl`), [written, lost[0]].map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(journalDir, `${DEAD_PID}-1-1.jsonl`), `${JSON.stringify(lost[1])}\n{"torn line`);
    const { ledger, adopted } = JournaledLedger.open(new SqliteLedger(db), journalDir);
    expect(adopted).toBe(3);
    await ledger.close();
    expect(count()).toBe(3);
    expect(dayCost()).toBe(321_000);
    expect(segments()).toEqual([]);
  });

  it('leaves the segments of a live process alone', async () => {
    const { db, journalDir, segments } = setup();
    mkdirSync(journalDir, { recursive: true });
    // The parent of this test process is alive.
    const live = `${process.ppid}-1-0.jsonl`;
    writeFileSync(join(journalDir, live), `${JSON.stringify(makeRow())}\n`);
    const { ledger, adopted } = JournaledLedger.open(new SqliteLedger(db), journalDir);
    expect(adopted).toBe(0);
    await ledger.close();
    expect(segments()).toEqual([live]);
  });

  it('keeps the segment while the ledger cannot write, and empties it once it can', async () => {
    const { db, journalDir, segments, count } = setup();
    const { ledger } = JournaledLedger.open(new SqliteLedger(db, { flushIntervalMs: 10_000 }), journalDir, { intervalMs: 20 });
    db.exec('CREATE TRIGGER refuse BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, \'disk says no\'); END');
    ledger.append(makeRow());
    await new Promise((r) => setTimeout(r, 150));
    expect(segments().length).toBeGreaterThan(0);
    expect(count()).toBe(0);
    db.exec('DROP TRIGGER refuse');
    for (let i = 0; i < 100 && segments().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(segments()).toEqual([]);
    expect(count()).toBe(1);
    await ledger.close();
  });
});
