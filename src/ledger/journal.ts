import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../util/process-alive.js';
import { fromLine, toLine } from './row-line.js';
import type { LedgerRow, LedgerStore } from './types.js';

/** Segments of the journals of this process's open ledgers (in-process restarts must not adopt a live one). */
const liveOwners = new Set<string>();
let instances = 0;

/** A segment file name: `<pid>-<instance>-<seq>.jsonl`. */
const SEGMENT = /^(\d+)-(\d+)-(\d+)\.jsonl$/;

/**
 * A write-ahead journal in front of a ledger: every row is appended to a local file before the client
 * is answered (callers await `journaled()`), so a row the client has been answered about survives the
 * process being killed (SIGKILL, OOM) while it still waited in memory for its batch. The rows of one
 * event-loop turn go to the file in one write: a write per request cost 5-14 % of the gateway's CPU
 * under load on a small VM. Segments are deleted once the
 * ledger says their rows are durable (in the database, or in the PostgreSQL spool). Writes are not
 * fsynced: this guards against the process dying, not the machine losing power.
 *
 * At start-up, segments left by a process that is gone are adopted: their rows are appended again
 * (journaled anew) and the old files removed. Ledgers insert idempotently by row id, so a row that
 * had reached the database before the crash is not counted twice.
 */
export class JournaledLedger implements LedgerStore {
  private readonly owner: string;
  private seq = 0;
  private fd: number | undefined;
  /** Closed segments waiting for their rows to be durable. */
  private sealed: string[] = [];
  private syncing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Lines of this event-loop turn, written together. */
  private lines: string[] = [];
  private written: Promise<void> | undefined;
  /** Set while syncing fails, to log the problem once rather than every round. */
  private failing = false;

  private constructor(
    private readonly inner: LedgerStore,
    private readonly dir: string,
    intervalMs: number,
  ) {
    this.owner = `${process.pid}-${++instances}`;
    liveOwners.add(this.owner);
    this.timer = setInterval(() => void this.release(), intervalMs);
    this.timer.unref();
  }

  /** Wraps `inner`, first adopting what crashed processes left in `dir`. Returns how many rows were adopted. */
  static open(inner: LedgerStore, dir: string, options: { intervalMs?: number } = {}): { ledger: JournaledLedger; adopted: number } {
    mkdirSync(dir, { recursive: true });
    const ledger = new JournaledLedger(inner, dir, options.intervalMs ?? 100);
    return { ledger, adopted: ledger.adoptOrphans() };
  }

  append(row: LedgerRow): void {
    if (this.closed) throw new Error('ledger is closed');
    const line = toLine(row);
    this.lines.push(line);
    this.written ??= new Promise((resolve) =>
      setImmediate(() => {
        this.written = undefined;
        this.writeLines();
        resolve();
      }),
    );
    this.inner.append(row, line);
  }

  /**
   * True while a single client is connected with a single request in flight (the gateway sets it):
   * then nothing can join the write, and waiting for the end of the event-loop turn would only add
   * latency (~30-50 µs measured). Under load, the rows of a turn share one write.
   */
  alone: () => boolean = () => false;

  /**
   * Resolves once every row appended so far is in the journal file; undefined when they already are
   * (alone, the lines are written now): the caller then answers without an await.
   */
  journaled(): Promise<void> | undefined {
    if (this.lines.length > 0 && this.alone()) this.writeLines();
    return this.lines.length === 0 ? undefined : this.written;
  }

  private writeLines(): void {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    try {
      this.fd ??= openSync(join(this.dir, this.segmentName(this.seq)), 'a');
      writeSync(this.fd, text);
    } catch (err) {
      // The rows are still queued for the database: only the crash protection of these is lost.
      console.error(`burnrate: ledger journal write failed: ${(err as Error).message}`);
    }
  }

  private segmentName(seq: number): string {
    return `${this.owner}-${seq}.jsonl`;
  }

  /** One round of `sealAndDelete` at a time; a round asked for meanwhile shares it. */
  private release(): Promise<void> {
    // Cleared from `.finally`, which runs after this assignment even when the round had nothing to do
    // (a `finally` inside the async function ran before it, leaving a settled round here for good:
    // the journal stopped rotating and grew for the process's whole life).
    this.syncing ??= this.sealAndDelete().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Seals the open segment, waits until the ledger holds every row appended so far, then deletes the sealed segments. */
  private async sealAndDelete(): Promise<void> {
    try {
      this.writeLines();
      if (this.fd !== undefined) {
        closeSync(this.fd);
        this.fd = undefined;
        this.sealed.push(this.segmentName(this.seq++));
      }
      if (this.sealed.length === 0) return;
      const done = this.sealed;
      await this.inner.sync();
      this.sealed = this.sealed.filter((s) => !done.includes(s));
      for (const s of done) unlinkSync(join(this.dir, s));
      this.failing = false;
    } catch (err) {
      // The rows are still journaled: the next round (or the next start) retries.
      if (!this.failing) console.error(`burnrate: ledger journal kept (rows not written yet): ${(err as Error).message}`);
      this.failing = true;
    }
  }

  /** Re-appends the rows of segments whose process is gone (or is a previous life of this pid), then removes them. */
  private adoptOrphans(): number {
    let adopted = 0;
    for (const name of readdirSync(this.dir).sort(bySegmentOrder)) {
      const m = SEGMENT.exec(name);
      if (!m) continue;
      const pid = Number(m[1]);
      const owner = `${m[1]}-${m[2]}`;
      if (liveOwners.has(owner) || (pid !== process.pid && processAlive(pid))) continue;
      // Claim it first: of two processes starting at once, only one gets the file.
      const claimed = join(this.dir, `${name}.adopting-${this.owner}`);
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        continue;
      }
      for (const line of readFileSync(claimed, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          this.append(fromLine(line));
          adopted++;
        } catch {
          console.error('burnrate: skipping an unreadable line in the ledger journal');
        }
      }
      rmSync(claimed);
    }
    if (adopted > 0) console.error(`burnrate: recovered ${adopted} ledger rows journaled by a process that stopped before writing them`);
    return adopted;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  sync(): Promise<void> {
    return this.inner.sync();
  }

  get(id: string) {
    return this.inner.get(id);
  }

  usage(query: Parameters<LedgerStore['usage']>[0]) {
    return this.inner.usage(query);
  }

  costByHour(from: number, filter?: Parameters<LedgerStore['costByHour']>[1]) {
    return this.inner.costByHour(from, filter);
  }

  /** Closes the ledger; the journal is emptied only if every row was written (else it is adopted at the next start). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.syncing;
    await this.release();
    await this.inner.close();
    liveOwners.delete(this.owner);
  }
}

/** Oldest first: by pid and instance as text is fine, by sequence number as a number matters. */
function bySegmentOrder(a: string, b: string): number {
  const ma = SEGMENT.exec(a);
  const mb = SEGMENT.exec(b);
  if (!ma || !mb) return a.localeCompare(b);
  return `${ma[1]}-${ma[2]}`.localeCompare(`${mb[1]}-${mb[2]}`) || Number(ma[3]) - Number(mb[3]);
}
