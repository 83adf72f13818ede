import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite.js';
import { SqliteLedger } from '../../src/ledger/index.js';
import type { LedgerRow } from '../../src/ledger/types.js';
import { makeRow } from '../helpers/rows.js';

export const PERIOD = { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') };
export const day = (n: number, hour = 10) => Date.parse(`2026-11-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`);

/** A real SQLite ledger in a fresh data directory, with rows written through SqliteLedger. */
export async function ledgerWith(rows: Partial<LedgerRow>[]): Promise<{ dir: string; db: SqliteDb }> {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-review-'));
  const db = openSqlite(join(dir, 'burnrate.db'), SQLITE_MIGRATIONS);
  const ledger = new SqliteLedger(db);
  for (const r of rows) ledger.append(row(r));
  await ledger.close();
  return { dir, db };
}

/** makeRow with tokensIn / tokensOut derived from the usage, as the meter does. */
export function row(over: Partial<LedgerRow>): LedgerRow {
  const base = makeRow(over);
  const u = base.usage;
  const tokensIn = (u.input ?? 0) + (u.cache_read ?? 0) + (u.cache_write ?? 0) + (u.cache_write_1h ?? 0) + (u.input_audio ?? 0) + (u.cache_audio_read ?? 0);
  return { ...base, tokensIn: over.tokensIn ?? tokensIn, tokensOut: over.tokensOut ?? (u.output ?? 0) + (u.output_audio ?? 0) };
}
