import type { LedgerRow } from '../types.js';

/** How the thread is started (its `workerData`). */
export interface WriterOptions {
  file: string;
  /** A batch of fewer rows than this waits up to `waitMs` for more before it is written. */
  minBatch: number;
  waitMs: number;
}

/** What the gateway sends its SQLite writer thread. */
export type WriterRequest =
  /** Rows (as row-line.ts lines) to write, in one transaction with any that wait. */
  | { kind: 'lines'; lines: string[] }
  /** Write what waits or could not be written, and say whether all of it is written now. */
  | { kind: 'flush'; id: number }
  /** A row the thread holds, not written yet. */
  | { kind: 'find'; id: number; rowId: string };

/** The thread's answers, by the request's `id`. */
export type WriterReply =
  | { kind: 'flushed'; id: number; ok: boolean }
  | { kind: 'found'; id: number; row: LedgerRow | undefined };
