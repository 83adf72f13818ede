import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';
import { printJson } from '../output.js';

interface MigrateOptions {
  from: string;
  to: string;
  schema?: string;
  batch: string;
  json?: boolean;
}

/** Tables of the control plane, copied as they are (ledger rows go through the ledger writer). */
const CONTROL_TABLES: { table: string; columns: string[]; key: string }[] = [
  { table: 'api_keys', columns: ['id', 'app', 'name', 'prefix', 'hash', 'created_at', 'revoked_at'], key: 'id' },
  { table: 'settings', columns: ['name', 'value'], key: 'name' },
  { table: 'budgets', columns: ['id', 'definition', 'updated_at'], key: 'id' },
  { table: 'alerts', columns: ['id', 'ts', 'kind', 'dedupe_key', 'message', 'details', 'delivered_at', 'attempts', 'last_error'], key: 'id' },
  { table: 'feedback', columns: ['id', 'ts', 'request_id', 'request_ts', 'app', 'feature', 'model', 'score', 'raw_score', 'scale', 'label', 'comment'], key: 'id' },
  { table: 'app_reviews', columns: ['id', 'app', 'ts', 'reviewer', 'note'], key: 'id' },
  { table: 'attention_acks', columns: ['key', 'ts', 'acked_by', 'note'], key: 'key' },
  {
    table: 'review_samples',
    columns: ['id', 'ts', 'app', 'feature', 'model', 'endpoint', 'prompt', 'prompt_preview', 'completion', 'truncated', 'verdict', 'reviewer', 'note', 'reviewed_at'],
    key: 'id',
  },
];

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Move an installation from the embedded SQLite database to PostgreSQL (ledger with rollups, keys, budgets, alerts)')
    .requiredOption('--from <sqlite:PATH>', 'the SQLite database, e.g. sqlite:.burnrate/burnrate.db')
    .requiredOption('--to <postgres://...>', 'the PostgreSQL URL')
    .option('--schema <name>', 'PostgreSQL schema (default: the connection search_path)')
    .option('--batch <rows>', 'rows per batch', '5000')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: MigrateOptions) => {
      const path = opts.from.replace(/^sqlite:/, '');
      if (!existsSync(path)) throw new UsageError(`no SQLite database at ${path}`);
      if (!/^postgres(ql)?:\/\//.test(opts.to)) throw new UsageError(`--to must be a postgres:// URL, got ${opts.to}`);
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`invalid --batch: ${opts.batch}`);
      const [{ openSqlite }, { SQLITE_MIGRATIONS }, { COLUMNS, fromDb }, { PostgresLedger }, { PG_CONTROL_PLANE_SQL, numberPlaceholders }] = await Promise.all([
        import('../../db/sqlite.js'),
        import('../../db/migrations.js'),
        import('../../ledger/sqlite/sqlite-ledger.js'),
        import('../../ledger/postgres/index.js'),
        import('../../db/pg-client.js'),
      ]);
      const source = openSqlite(path, SQLITE_MIGRATIONS);
      let target;
      try {
        target = await PostgresLedger.open(opts.to, { spoolDir: join(tmpdir(), `burnrate-migrate-${process.pid}`), maxBatch: batch, ...(opts.schema ? { schema: opts.schema } : {}) });
      } catch (err) {
        throw new UsageError(`cannot open ${opts.to.replace(/\/\/[^@]*@/, '//***@')}: ${(err as Error).message}`);
      }
      await target.pool.query(PG_CONTROL_PLANE_SQL);
      const copied: Record<string, number> = {};
      for (const { table, columns, key } of CONTROL_TABLES) {
        const rows = source.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw().all() as unknown[][];
        for (const row of rows) {
          const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${key}) DO NOTHING`;
          await target.pool.query(numberPlaceholders(sql), row);
        }
        copied[table] = rows.length;
      }
      // Ledger rows go through the ledger writer: same batching, same exact rollups, duplicates skipped.
      const total = (source.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
      const progress = opts.json ? undefined : progressBar('copying the ledger');
      let done = 0;
      let lastTs = -1;
      let lastId = '';
      for (;;) {
        const page = source
          .prepare(`SELECT ${COLUMNS.join(', ')} FROM ledger WHERE ts > ? OR (ts = ? AND id > ?) ORDER BY ts, id LIMIT ?`)
          .all(lastTs, lastTs, lastId, batch) as Parameters<typeof fromDb>[0][];
        if (page.length === 0) break;
        for (const r of page) target.append(fromDb(r));
        await target.flush();
        done += page.length;
        const last = page[page.length - 1]!;
        lastTs = last.ts as number;
        lastId = last.id as string;
        progress?.(done, total);
      }
      const stats = target.stats();
      await target.close();
      source.close();
      if (stats.spoolBytes > 0 || stats.dropped > 0) throw new UsageError(`PostgreSQL went away during the copy: ${stats.spoolBytes} bytes spooled, ${stats.dropped} rows dropped; run migrate again (it skips what is there)`, 1);
      const summary = { ledgerRows: done, ...copied };
      if (opts.json) return printJson(summary);
      console.log(`migrated ${done} ledger rows, ${copied.api_keys} keys, ${copied.budgets} budgets, ${copied.alerts} alerts; start the gateway with DATABASE_URL=${opts.to.replace(/\/\/[^@]*@/, '//***@')}`);
    });
}
