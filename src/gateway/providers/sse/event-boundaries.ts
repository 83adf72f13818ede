/**
 * Finds where SSE events end in a byte stream fed in pieces: an event ends with an empty line, lines end
 * in LF, CRLF or CR. Hops between line terminators with Buffer's native `indexOf` (memchr), so the cost is per line, not
 * per byte. The state (are we at the start of a line, was the last byte a CR) carries across calls.
 */
export class EventBoundaries {
  private lineEmpty = true;
  private lastCR = false;
  /** An event ended with a CR that was the last byte seen: its end moves past an LF if one comes next. */
  private endAtCR = false;

  /**
   * Scans `buf` from `from` (the bytes before were scanned by earlier calls) and appends to `ends` the
   * offset just past each event's terminating empty line.
   */
  scan(buf: Buffer, from: number, ends: number[]): void {
    let lineEmpty = this.lineEmpty;
    let lastCR = this.lastCR;
    let i = from;
    if (this.endAtCR && from < buf.length) {
      ends.push(buf[from] === 10 ? from + 1 : from);
      this.endAtCR = false;
    }
    let lf = buf.indexOf(10, i);
    let cr = buf.indexOf(13, i);
    for (;;) {
      let t: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) t = cr;
      else if (lf !== -1) t = lf;
      else break;
      if (t > i) {
        lineEmpty = false;
        lastCR = false;
      }
      const isLF = buf[t] === 10;
      if (isLF && lastCR) {
        lastCR = false; // the LF of a CRLF: the line already ended at the CR
      } else {
        if (lineEmpty) {
          if (isLF) ends.push(t + 1);
          else if (t + 1 === buf.length) this.endAtCR = true; // CR or CRLF? known with the next byte
          else ends.push(buf[t + 1] === 10 ? t + 2 : t + 1);
        }
        lineEmpty = true;
        lastCR = !isLF;
      }
      i = t + 1;
      if (isLF) lf = buf.indexOf(10, i);
      else cr = buf.indexOf(13, i);
    }
    if (i < buf.length) {
      lineEmpty = false;
      lastCR = false;
    }
    this.lineEmpty = lineEmpty;
    this.lastCR = lastCR;
  }
}
