import type { LedgerRow } from '../types.js';

/** What the gateway sends its SQLite writer thread. */
export type WriterRequest =
  /** Rows (as row-line.ts lines) to write with the next transaction. */
  | { kind: 'lines'; lines: string[] }
  /** Write everything held now, and say whether all of it is written. */
  | { kind: 'flush'; id: number }
  /** A row the thread holds, not written yet. */
  | { kind: 'find'; id: number; rowId: string };

/** The thread's answers, by the request's `id`. */
export type WriterReply =
  | { kind: 'flushed'; id: number; ok: boolean }
  | { kind: 'found'; id: number; row: LedgerRow | undefined };
