import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { SqliteLedger, SqliteLedgerQueries } from '../../src/ledger/index.js';
import { describeLedgerContract, type LedgerBackend } from './ledger-contract.js';

/** A SQLite file per test; every ledger opened on it gets its own connection, as after a restart. */
async function sqliteBackend(): Promise<LedgerBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-ledger-'));
  const file = join(dir, 'b.db');
  const dbs: ReturnType<typeof openSqlite>[] = [];
  return {
    async open() {
      const db = openSqlite(file, SQLITE_MIGRATIONS);
      dbs.push(db);
      const ledger = new SqliteLedger(db, { flushIntervalMs: 10_000 });
      return { ledger, queries: new SqliteLedgerQueries(db, () => ledger.flush()) };
    },
    async countRows() {
      const db = openSqlite(file, SQLITE_MIGRATIONS);
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    async dispose() {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeLedgerContract('SQLite', sqliteBackend);
