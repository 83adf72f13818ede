import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../../src/config/index.js';
import { openStorage, type Storage } from '../../src/gateway/storage.js';
import type { LedgerRow } from '../../src/ledger/types.js';
import { adminClient, newSchema, PG_URL, pgUnavailable } from '../ledger/pg-helpers.js';
import { makeRow } from '../helpers/rows.js';

export const PERIOD = { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') };
export const day = (n: number, hour = 10) => Date.parse(`2026-11-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`);

/** A fresh installation: a data directory and, on PostgreSQL, a private schema. */
export interface ReviewStore {
  dir: string;
  /** What points `openStorage` (the gateway, the CLI) at this installation. */
  env: Record<string, string>;
  /** Opens it as the gateway does. */
  open(): Promise<Storage>;
  /** Removes the schema and the directory (storages opened on it must be closed first). */
  dispose(): Promise<void>;
}

export interface ReviewBackend {
  name: string;
  create(): Promise<ReviewStore>;
}

function store(env: Record<string, string>, drop: () => Promise<void> = async () => undefined): ReviewStore {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-review-'));
  return {
    dir,
    env,
    open: () => openStorage(ConfigSchema.parse({ dataDir: dir }), env),
    async dispose() {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sqlite: ReviewBackend = {
  name: 'SQLite',
  // An empty DATABASE_URL keeps a shell's own setting from sending the CLI to PostgreSQL.
  create: async () => store({ DATABASE_URL: '' }),
};

const postgres: ReviewBackend = {
  name: 'PostgreSQL',
  async create() {
    const schema = newSchema();
    return store({ DATABASE_URL: PG_URL, BURNRATE_PG_SCHEMA: schema }, async () => {
      const admin = await adminClient();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });
  },
};

/** The review runs on both backends; PostgreSQL is skipped when unreachable, except under CI where that fails. */
export const BACKENDS: ReviewBackend[] = (await pgUnavailable()) === undefined ? [sqlite, postgres] : [sqlite];

/** Opens the store and writes `rows` through its ledger, flushed; the caller closes the storage. */
export async function openWith(s: ReviewStore, rows: Partial<LedgerRow>[]): Promise<Storage> {
  const storage = await s.open();
  for (const r of rows) storage.ledger.append(row(r));
  await storage.ledger.flush();
  return storage;
}

/** makeRow with tokensIn / tokensOut derived from the usage, as the meter does. */
export function row(over: Partial<LedgerRow>): LedgerRow {
  const base = makeRow(over);
  const u = base.usage;
  const tokensIn = (u.input ?? 0) + (u.cache_read ?? 0) + (u.cache_write ?? 0) + (u.cache_write_1h ?? 0) + (u.input_audio ?? 0) + (u.cache_audio_read ?? 0);
  return { ...base, tokensIn: over.tokensIn ?? tokensIn, tokensOut: over.tokensOut ?? (u.output ?? 0) + (u.output_audio ?? 0) };
}
