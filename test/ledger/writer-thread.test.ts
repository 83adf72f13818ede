import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRow } from '../helpers/rows.js';

// The writer thread runs the built worker (dist/), as `burnrate serve` does; `npm test` builds first.
const dist = '../../dist/';
const { openSqlite } = (await import(`${dist}db/sqlite.js`)) as typeof import('../../src/db/sqlite.js');
const { SQLITE_MIGRATIONS } = (await import(`${dist}db/migrations.js`)) as typeof import('../../src/db/migrations.js');
const { SqliteLedger } = (await import(`${dist}ledger/index.js`)) as typeof import('../../src/ledger/index.js');

describe('SQLite ledger with a writer thread', () => {
  it('writes every row and its rollups off the event loop, readable at once after flush', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'burnrate-writer-')), 'b.db');
    const db = openSqlite(file, SQLITE_MIGRATIONS);
    const ledger = new SqliteLedger(db, { writerThread: true, flushIntervalMs: 5, maxBatch: 500 });
    const rows = Array.from({ length: 3000 }, (_, i) => makeRow({ costNano: i + 1, customer: `c${i % 7}` }));
    for (const r of rows) ledger.append(r);
    // A row handed to the thread but maybe not written yet is still found.
    expect(await ledger.get(rows[2999]!.id)).toMatchObject({ costNano: 3000 });
    await ledger.flush();
    const stored = db.prepare('SELECT COUNT(*) AS n, SUM(cost_nano) AS cost FROM ledger').get() as { n: number; cost: number };
    expect(stored).toEqual({ n: 3000, cost: (3000 * 3001) / 2 });
    const [day] = await ledger.usage({ from: rows[0]!.ts, to: rows[0]!.ts + 1, groupBy: 'day' });
    expect(day).toMatchObject({ requests: 3000, costNano: (3000 * 3001) / 2 });
    await ledger.close();
    db.close();
  });
});
