import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { processAlive } from '../../util/process-alive.js';
import type { LedgerRow } from '../types.js';

const SPOOL_FILE = 'ledger-spool.jsonl';

/**
 * Spools are per process (`spool-<pid>` under the data directory). Before opening its own, a process
 * moves the rows of spools whose process is gone into it, so a crashed instance's rows are replayed
 * even though the restarted one has another pid.
 */
export async function adoptOrphanSpools(parent: string, own: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^spool-(\d+)$/.exec(name);
    const dir = join(parent, name);
    if (!m || dir === own || processAlive(Number(m[1]))) continue;
    await mkdir(own, { recursive: true });
    const orphan = join(dir, SPOOL_FILE);
    if ((await stat(orphan).then((s) => s.size, () => 0)) > 0) {
      await pipeline(createReadStream(orphan), createWriteStream(join(own, SPOOL_FILE), { flags: 'a' }));
      console.error(`burnrate: adopted the ledger spool of stopped process ${m[1]}`);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SpoolOptions {
  dir: string;
  /** Past this size new rows are refused (and counted as dropped) rather than filling the disk. */
  maxBytes?: number;
}

/**
 * Rows that could not reach PostgreSQL, kept on local disk until it is back: an append-only
 * JSON-lines file (one row a line). Appends are not fsynced: the spool guards against a database
 * outage, not against this machine losing power. Replays are idempotent (the writer inserts with
 * ON CONFLICT DO NOTHING), so a spool replayed twice, e.g. after a crash mid-drain, counts once.
 * One spool directory per process: two processes appending to and truncating one file would race.
 */
export class Spool {
  readonly file: string;
  private readonly maxBytes: number;
  private bytes = 0;
  /** Rows refused because the spool was full. */
  dropped = 0;

  private constructor(file: string, maxBytes: number) {
    this.file = file;
    this.maxBytes = maxBytes;
  }

  /** Opens the spool in `dir`, picking up whatever a previous process left there. */
  static async open(options: SpoolOptions): Promise<Spool> {
    await mkdir(options.dir, { recursive: true });
    const spool = new Spool(join(options.dir, SPOOL_FILE), options.maxBytes ?? 1024 ** 3);
    spool.bytes = await stat(spool.file).then((s) => s.size, () => 0);
    return spool;
  }

  get size(): number {
    return this.bytes;
  }

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  async append(rows: LedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.maxBytes) {
      this.dropped += rows.length;
      console.error(`burnrate: ledger spool full (${this.bytes} bytes), ${rows.length} rows dropped`);
      return;
    }
    await appendFile(this.file, text);
    this.bytes += size;
  }

  /** The spooled rows in the order they were appended, `batch` at a time (streamed: the file may be large). */
  async *read(batch: number): AsyncGenerator<LedgerRow[]> {
    if (this.bytes === 0) return;
    const lines = createInterface({ input: createReadStream(this.file, { end: this.bytes - 1 }), crlfDelay: Infinity });
    let rows: LedgerRow[] = [];
    for await (const line of lines) {
      if (!line) continue;
      try {
        rows.push(JSON.parse(line) as LedgerRow);
      } catch {
        // A torn last line from a process killed mid-append: nothing to recover from it.
        console.error('burnrate: skipping an unreadable line in the ledger spool');
        continue;
      }
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length) yield rows;
  }

  async find(id: string): Promise<LedgerRow | undefined> {
    let found: LedgerRow | undefined;
    for await (const rows of this.read(1000)) found = rows.find((r) => r.id === id) ?? found;
    return found;
  }

  /** Empties the spool once every row in it is in the database. */
  async clear(): Promise<void> {
    await truncate(this.file, 0).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.bytes = 0;
  }
}
