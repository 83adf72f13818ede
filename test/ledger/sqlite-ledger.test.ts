import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openSqlite } from '../../src/db/sqlite.js';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { SqliteLedger } from '../../src/ledger/index.js';
import { makeRow } from '../helpers/rows.js';

const DAY = 86_400_000;
const t0 = Date.parse('2026-11-20T10:00:00Z');
const open: SqliteLedger[] = [];

function newLedger(file = join(mkdtempSync(join(tmpdir(), 'burnrate-ledger-')), 'b.db')) {
  const db = openSqlite(file, SQLITE_MIGRATIONS);
  const ledger = new SqliteLedger(db, { flushIntervalMs: 10_000 });
  open.push(ledger);
  return { db, ledger, file };
}

afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

describe('SQLite ledger', () => {
  it('stores a row and reads it back exactly', async () => {
    const { ledger } = newLedger();
    const row = makeRow({ tags: { team: 'cx' }, usage: { input: 5, cache_read: 7, output: 3 }, stream: true, estimated: true });
    ledger.append(row);
    expect(await ledger.get(row.id)).toEqual(row); // from the queue
    await ledger.flush();
    expect(await ledger.get(row.id)).toEqual(row); // from the database
  });

  it('keeps rollups equal to the sum of rows, per day and per model', async () => {
    const { ledger } = newLedger();
    const rows = [
      makeRow({ ts: t0, model: 'gpt-4o-mini', costNano: 100 }),
      makeRow({ ts: t0 + 1000, model: 'gpt-4o', costNano: 250, status: 500 }),
      makeRow({ ts: t0 + DAY, model: 'gpt-4o', costNano: 50, savedNano: 7 }),
    ];
    rows.forEach((r) => ledger.append(r));
    const byDay = await ledger.usage({ from: t0 - DAY, to: t0 + 2 * DAY, groupBy: 'day' });
    expect(byDay.map((g) => [g.key, g.requests, g.costNano, g.errors])).toEqual([
      ['2026-11-20', 2, 350, 1],
      ['2026-11-21', 1, 50, 0],
    ]);
    const byModel = await ledger.usage({ from: t0, to: t0 + 2 * DAY, groupBy: 'model' });
    expect(byModel.map((g) => [g.key, g.costNano, g.savedNano])).toEqual([
      ['gpt-4o', 300, 7],
      ['gpt-4o-mini', 100, 0],
    ]);
  });

  it('groups by conversation and filters by app', async () => {
    const { ledger } = newLedger();
    ledger.append(makeRow({ conversation: 'c1', costNano: 10 }));
    ledger.append(makeRow({ conversation: 'c1', costNano: 20 }));
    ledger.append(makeRow({ conversation: 'c2', costNano: 5, app: 'other' }));
    const all = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'conversation' });
    expect(all.map((g) => [g.key, g.requests, g.costNano])).toEqual([
      ['c1', 2, 30],
      ['c2', 1, 5],
    ]);
    const one = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'conversation', app: 'other' });
    expect(one.map((g) => g.key)).toEqual(['c2']);
  });

  it('writes a duplicate id once, and counts it once in the rollups', async () => {
    const { ledger } = newLedger();
    const row = makeRow({ costNano: 42 });
    ledger.append(row);
    await ledger.flush();
    ledger.append(row);
    const [day] = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'day' });
    expect(day).toMatchObject({ requests: 1, costNano: 42 });
  });

  it('loses nothing across close and reopen', async () => {
    const { ledger, file } = newLedger();
    for (let i = 0; i < 2500; i++) ledger.append(makeRow({ costNano: i }));
    await ledger.close();
    const again = newLedger(file);
    const [day] = await again.ledger.usage({ from: t0, to: t0 + 1, groupBy: 'day' });
    expect(day).toMatchObject({ requests: 2500, costNano: (2499 * 2500) / 2 });
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n).toBe(2500);
  });
});
