// The SQLite ledger's writer thread: its own connection to the database file. Lines arrive every few
// milliseconds (so they leave the gateway's heap young) and are gathered here into one transaction
// every `intervalMs`, on a full batch, or when the gateway asks for a flush: a commit writes every page
// it touched, so larger transactions write fewer pages per row (WAL writes per request at 10k/s:
// ~1.9 with a transaction every 10 ms, ~0.7 every 100 ms). Rows that fail to write stay here and are
// retried; their journal segments are kept meanwhile. Started by writer-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../db/sqlite.js';
import { fromLine, lineOf } from '../row-line.js';
import { createBatchWriter } from './batch-writer.js';
import type { WriterReply, WriterRequest } from './writer-protocol.js';

const { file, intervalMs, maxBatch } = workerData as { file: string; intervalMs: number; maxBatch: number };
const db = openSqlite(file, []);
const write = createBatchWriter(db);
let held: string[] = [];
/** Set while writes fail, to log the problem once rather than every round. */
let failing = false;

/** Writes every held line in one transaction; on failure keeps them for the next round. */
function writeHeld(): void {
  if (held.length === 0) return;
  try {
    write(held.map(fromLine));
    held = [];
    failing = false;
  } catch (err) {
    if (!failing) console.error(`burnrate: ledger write failed, will retry: ${(err as Error).message}`);
    failing = true;
  }
}

setInterval(writeHeld, intervalMs);

const reply = (message: WriterReply) => parentPort!.postMessage(message);

parentPort!.on('message', (m: WriterRequest) => {
  if (m.kind === 'lines') {
    for (const line of m.lines) held.push(line);
    if (held.length >= maxBatch) writeHeld();
  } else if (m.kind === 'flush') {
    writeHeld();
    reply({ id: m.id, kind: 'flushed', ok: held.length === 0 });
  } else {
    // Held or written: a row is either here or in the database by the time this message is read.
    reply({ id: m.id, kind: 'found', row: lineOf(held, m.rowId) });
  }
});
