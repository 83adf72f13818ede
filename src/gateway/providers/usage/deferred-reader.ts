import type { StreamUsageReader, UsageReport } from '../types.js';

/** Bytes of a stream held unread before they are read anyway (bounds a long stream's memory). */
const HELD_LIMIT = 256 * 1024;

/**
 * A stream reader for when another part already reads the usage (the usage-chunk filter, which parses
 * the chunk it hides): the chunks are held unread, and read by the dialect's reader only when that is
 * needed — the usage never came (a cut stream, estimated from its text), the caller wants the text, or
 * more than HELD_LIMIT bytes arrived. Decoding every event of every stream was most of its metering.
 */
export class DeferredStreamReader implements StreamUsageReader {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private reader: StreamUsageReader | undefined;

  constructor(
    private readonly makeReader: () => StreamUsageReader,
    /** The usage read elsewhere, once the stream has passed. */
    private readonly reported: () => UsageReport | undefined,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.reader) return this.reader.push(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > HELD_LIMIT) this.read();
  }

  result(withText = true): ReturnType<StreamUsageReader['result']> {
    const report = this.reader ? undefined : this.reported();
    if (report && !withText) return { usage: report.usage, complete: true, model: report.model, outputText: '' };
    return this.read().result(withText);
  }

  private read(): StreamUsageReader {
    if (!this.reader) {
      this.reader = this.makeReader();
      for (const chunk of this.held) this.reader.push(chunk);
      this.held = [];
    }
    return this.reader;
  }
}
