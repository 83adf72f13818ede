import type { Usage } from '../../../catalog/types.js';
import { collectDeltaText, firstString, hasObjectValue } from '../sse/json-scan.js';
import { SseDecoder } from '../sse/sse-decoder.js';
import type { StreamUsageReader, UsageReport } from '../types.js';
import type { DialectUsage } from './body-sniffing-reader.js';
import { obj, str } from './fields.js';
import { chatUsage } from './openai-usage.js';

/** Delta fields whose strings are generated tokens: text, tool-call arguments, reasoning (DeepSeek, vLLM, OpenRouter). */
const DELTA_KEYS: ReadonlySet<string> = new Set(['content', 'arguments', 'reasoning_content', 'reasoning', 'refusal']);
const TEXT_FIELDS = ['content', 'reasoning_content', 'reasoning', 'refusal'] as const;

function fromJson(body: unknown): UsageReport | undefined {
  const b = obj(body);
  const usage = chatUsage(b?.usage);
  return usage ? { usage, model: str(b?.model) } : undefined;
}

/** Text of the choices of a completion. */
function choicesText(choices: unknown, out: string[]): void {
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    const m = obj(obj(choice)?.message);
    if (!m) continue;
    for (const key of TEXT_FIELDS) {
      const text = m[key];
      if (typeof text === 'string' && text) out.push(text);
    }
    const calls = m.tool_calls;
    if (Array.isArray(calls)) {
      for (const call of calls) {
        const args = obj(obj(call)?.function)?.arguments;
        if (typeof args === 'string' && args) out.push(args);
      }
    }
  }
}

/** Characters of unread chunks a stream holds before reading their text (bounds a long stream's memory). */
const UNREAD_LIMIT = 256 * 1024;

/**
 * Chat Completions stream: `data: {chunk}` events then `data: [DONE]`. With `stream_options.include_usage`
 * the last chunk has `"choices":[]` and the `usage` (earlier chunks carry `"usage":null`). Content deltas
 * are read by lexing the `delta` object only, and only when the text is needed (the usage never came,
 * or the caller wants it): chunks wait unread, up to UNREAD_LIMIT characters. Only a chunk whose
 * `usage` is an object is JSON-parsed.
 */
class ChatStreamReader implements StreamUsageReader {
  private readonly sse = new SseDecoder((_event, data) => this.onData(data));
  private readonly text: string[] = [];
  private unread: string[] = [];
  private unreadChars = 0;
  private usage?: Usage;
  private model?: string;

  push(chunk: Uint8Array): void {
    this.sse.push(chunk);
  }

  result(withText = true): ReturnType<StreamUsageReader['result']> {
    const complete = this.usage !== undefined;
    if (complete && !withText) return { usage: this.usage, complete, model: this.model, outputText: '' };
    this.readUnread();
    return { usage: this.usage, complete, model: this.model, outputText: this.text.join('') };
  }

  private readUnread(): void {
    for (const data of this.unread) collectDeltaText(data, DELTA_KEYS, this.text);
    this.unread = [];
    this.unreadChars = 0;
  }

  private onData(data: string): void {
    if (data.charCodeAt(0) !== 123 /* { */) return; // [DONE], or not JSON
    if (this.model === undefined) this.model = firstString(data, 'model');
    if (hasObjectValue(data, 'usage')) {
      let chunk: Record<string, unknown> | undefined;
      try {
        chunk = obj(JSON.parse(data));
      } catch {
        // not JSON after all: no usage, and its text is read as far as it goes
      }
      const usage = chatUsage(chunk?.usage);
      if (usage) this.usage = usage;
    }
    // Its text (if any: usage chunks usually have no choices) is read with the others, in order.
    this.unread.push(data);
    this.unreadChars += data.length;
    if (this.unreadChars > UNREAD_LIMIT) this.readUnread();
  }
}

export const openaiChatUsage: DialectUsage = {
  fromJson,
  textOf(body) {
    const out: string[] = [];
    choicesText(obj(body)?.choices, out);
    return out.join('');
  },
  sseReader: () => new ChatStreamReader(),
};
