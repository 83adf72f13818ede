import type { StreamUsageReader, UsageReader, UsageReport } from '../types.js';

type ReaderResult = ReturnType<StreamUsageReader['result']>;

/** What one dialect knows about its bodies: usage and text of a JSON body, and an SSE reader. */
export interface DialectUsage {
  fromJson(body: unknown): UsageReport | undefined;
  /** The generated text of a JSON body, to estimate output when usage is missing. */
  textOf(body: unknown): string;
  sseReader(): StreamUsageReader;
}

/**
 * A stream reader that works on whatever the upstream sends: an SSE stream goes to the dialect's SSE
 * reader, chunk by chunk; a body that starts with `{` (a non-streamed answer, or an error body sent
 * instead of a stream) is buffered and read as JSON when the result is asked for.
 */
class BodySniffingReader implements StreamUsageReader {
  private mode: 'unknown' | 'sse' | 'json' = 'unknown';
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private sse?: StreamUsageReader;
  private parsed?: { bytes: number; result: ReaderResult };

  constructor(private readonly dialect: DialectUsage) {}

  push(chunk: Uint8Array): void {
    if (this.mode === 'sse') {
      this.sse!.push(chunk);
      return;
    }
    if (this.mode === 'unknown') {
      const first = firstNonSpace(chunk);
      if (first === -1) {
        this.hold(chunk);
        return;
      }
      if (first !== 123 /* { */ && first !== 91 /* [ */) {
        this.mode = 'sse';
        this.sse = this.dialect.sseReader();
        for (const held of this.held) this.sse.push(held);
        this.held = [];
        this.sse.push(chunk);
        return;
      }
      this.mode = 'json';
    }
    this.hold(chunk);
  }

  result(withText = true): ReaderResult {
    if (this.sse) return this.sse.result(withText);
    if (this.parsed?.bytes === this.heldBytes) return this.parsed.result;
    const result = this.readJson();
    this.parsed = { bytes: this.heldBytes, result };
    return result;
  }

  private hold(chunk: Uint8Array): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
  }

  private readJson(): ReaderResult {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(this.held, this.heldBytes).toString('utf8'));
    } catch {
      return { complete: false, outputText: '' };
    }
    const report = this.dialect.fromJson(body);
    return { usage: report?.usage, complete: report !== undefined, model: report?.model, outputText: this.dialect.textOf(body) };
  }
}

function firstNonSpace(chunk: Uint8Array): number {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return c;
  }
  return -1;
}

export function usageReader(dialect: DialectUsage): UsageReader {
  return {
    fromJson: (body) => dialect.fromJson(body),
    streamReader: () => new BodySniffingReader(dialect),
  };
}

/** For dialects that never stream (embeddings, count_tokens): an SSE reader that reads nothing. */
export class NoStreamReader implements StreamUsageReader {
  push(): void {}
  result(): ReaderResult {
    return { complete: false, outputText: '' };
  }
}
