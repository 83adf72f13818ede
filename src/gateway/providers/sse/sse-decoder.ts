/** Called once per complete SSE event: its `event:` name ('' when absent) and its data lines joined by `\n`. */
export type SseEventHandler = (event: string, data: string) => void;

/** A Buffer view of the bytes (no copy): Buffer's native `toString` / `indexOf` are several times faster. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Length of the prefix of `bytes` that ends on a whole UTF-8 character (a split character is held back). */
function wholeUtf8Length(bytes: Buffer): number {
  const n = bytes.length;
  if (n === 0 || bytes[n - 1]! < 0x80) return n;
  let i = n - 1;
  while (i > n - 4 && i > 0 && (bytes[i]! & 0xc0) === 0x80) i--;
  const lead = bytes[i]!;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i < size ? i : n;
}

/**
 * Splits an SSE byte stream into events, whatever the chunk boundaries: an event or a UTF-8 character may
 * be split across chunks, a chunk may hold many events; lines end in LF, CRLF or CR (the SSE spec). Events
 * without a data line (comments, `retry:`) are not dispatched, nor is an unterminated trailing event.
 *
 * Hot path: one native UTF-8 decode per chunk (a character split across chunks is carried as bytes; a
 * streaming TextDecoder costs 4× more), then `indexOf` hops from line to line; data values are slices.
 */
export class SseDecoder {
  private partial: Buffer | undefined;
  private carry = '';
  private event = '';
  private data: string | undefined;

  constructor(private readonly onEvent: SseEventHandler) {}

  push(chunk: Uint8Array): void {
    let bytes = asBuffer(chunk);
    if (this.partial) {
      bytes = Buffer.concat([this.partial, bytes]);
      this.partial = undefined;
    }
    const whole = wholeUtf8Length(bytes);
    if (whole < bytes.length) {
      this.partial = Buffer.from(bytes.subarray(whole));
      bytes = bytes.subarray(0, whole);
    }
    const text = bytes.toString('utf8');
    const carried = this.carry.length;
    const buf = carried ? this.carry + text : text;
    const len = buf.length;
    // The carry holds no LF (every complete line was consumed) and at most one CR, at its very end.
    let lf = buf.indexOf('\n', carried);
    let cr = buf.indexOf('\r', carried > 0 ? carried - 1 : 0);
    let pos = 0;
    for (;;) {
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        if (cr + 1 === len) break; // a CR at the very end: wait to see whether an LF follows
        end = cr;
        next = buf.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(buf, pos, end);
      pos = next;
      if (lf !== -1 && lf < pos) lf = buf.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf('\r', pos);
    }
    this.carry = pos === 0 ? buf : buf.slice(pos);
  }

  private line(buf: string, start: number, end: number): void {
    if (start === end) {
      if (this.data !== undefined) this.onEvent(this.event, this.data);
      this.event = '';
      this.data = undefined;
      return;
    }
    const first = buf.charCodeAt(start);
    if (first === 100 /* d */) {
      if (!isField(buf, start, end, 'data')) return;
      const value = fieldValue(buf, start + 4, end);
      this.data = this.data === undefined ? value : this.data + '\n' + value;
    } else if (first === 101 /* e */) {
      if (isField(buf, start, end, 'event')) this.event = fieldValue(buf, start + 5, end);
    }
  }
}

/** The line is `name`, `name:` or `name: ...` (and not e.g. `database: ...`). */
function isField(buf: string, start: number, end: number, name: string): boolean {
  if (!buf.startsWith(name, start)) return false;
  const after = start + name.length;
  return after === end || buf.charCodeAt(after) === 58 /* : */;
}

/** The value after `name`: skip the colon and one optional space. */
function fieldValue(buf: string, from: number, end: number): string {
  if (from >= end) return '';
  let v = from + 1; // the colon
  if (buf.charCodeAt(v) === 32) v++;
  return buf.slice(v, end);
}
