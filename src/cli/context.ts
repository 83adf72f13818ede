import { join } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { SQLITE_MIGRATIONS } from '../db/migrations.js';
import { openSqlite, type SqliteDb } from '../db/sqlite.js';
import { sqliteClient, type SqlClient } from '../db/sql-client.js';

export interface StoreOptions {
  config?: string;
  dataDir?: string;
}

/** The config file, with `--data-dir` taking precedence over its `dataDir`. */
export function configFrom(opts: StoreOptions): Config {
  const config = loadConfig(opts.config);
  return opts.dataDir ? { ...config, dataDir: opts.dataDir } : config;
}

/** Opens the installation's database (the same file `burnrate serve` uses). */
export function openStore(opts: StoreOptions): { config: Config; db: SqliteDb; sql: SqlClient } {
  const config = configFrom(opts);
  const db = openSqlite(join(config.dataDir, 'burnrate.db'), SQLITE_MIGRATIONS);
  return { config, db, sql: sqliteClient(db) };
}

/** Adds the options every command that touches the installation's data shares. */
export const STORE_OPTIONS: [flags: string, description: string][] = [
  ['-c, --config <file>', 'config file (default: burnrate.yaml if present)'],
  ['-d, --data-dir <dir>', 'data directory (default: .burnrate, or dataDir in the config)'],
];
