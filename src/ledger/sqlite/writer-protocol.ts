import type { LedgerRow } from '../types.js';

/** What the gateway sends its SQLite writer thread. */
export type WriterRequest =
  /** Rows (as row-line.ts lines) to write in one transaction. */
  | { kind: 'lines'; lines: string[] }
  /** Retry what could not be written, and say whether all of it is written now. */
  | { kind: 'flush'; id: number }
  /** A row the thread holds because it could not be written yet. */
  | { kind: 'find'; id: number; rowId: string };

/** The thread's answers, by the request's `id`. */
export type WriterReply =
  | { kind: 'flushed'; id: number; ok: boolean }
  | { kind: 'found'; id: number; row: LedgerRow | undefined };
