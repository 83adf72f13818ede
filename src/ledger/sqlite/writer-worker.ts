// The SQLite ledger's writer thread: its own connection to the database file, one transaction per
// batch (see batch-writer.ts). Started by writer-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../db/sqlite.js';
import { fromLine } from '../row-line.js';
import { createBatchWriter } from './batch-writer.js';

const db = openSqlite((workerData as { file: string }).file, []);
const write = createBatchWriter(db);

parentPort!.on('message', (message: { id: number; rows: string[] }) => {
  try {
    write(message.rows.map(fromLine));
    parentPort!.postMessage({ id: message.id, ok: true });
  } catch (err) {
    parentPort!.postMessage({ id: message.id, ok: false, error: (err as Error).message });
  }
});
