import type { Usage } from '../../../catalog/types.js';
import { collectDeltaText, firstString } from '../sse/json-scan.js';
import { SseDecoder } from '../sse/sse-decoder.js';
import type { StreamUsageReader, UsageReport } from '../types.js';
import { type AnthropicCounters, anthropicUsage, mergeAnthropicUsage, messageUsage } from './anthropic-usage.js';
import type { DialectUsage } from './body-sniffing-reader.js';
import { obj, str } from './fields.js';

/** Delta strings that are generated tokens: text, tool input JSON, thinking. */
const DELTA_KEYS: ReadonlySet<string> = new Set(['text', 'partial_json', 'thinking']);

function fromJson(body: unknown): UsageReport | undefined {
  const b = obj(body);
  const usage = messageUsage(b?.usage);
  return usage ? { usage, model: str(b?.model) } : undefined;
}

function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const raw of content) {
    const block = obj(raw);
    if (!block) continue;
    if (typeof block.text === 'string') out.push(block.text);
    else if (typeof block.thinking === 'string') out.push(block.thinking);
    else if (block.type === 'tool_use' && block.input !== undefined) out.push(JSON.stringify(block.input));
  }
  return out.join('');
}

/**
 * Messages stream: `message_start` carries the model and the input side of the usage (input, cache reads
 * and writes; output 1), `message_delta` the cumulative output (and, on newer API versions, final input
 * counters), `message_stop` ends it. Only those two events are JSON-parsed; in `content_block_delta` only
 * the delta object is lexed; `ping` and block start/stop are skipped.
 */
class MessagesStreamReader implements StreamUsageReader {
  private readonly sse = new SseDecoder((event, data) => this.onEvent(event, data));
  private readonly text: string[] = [];
  private readonly counters: AnthropicCounters = {};
  private seen = false;
  private finalUsage = false;
  private stopped = false;
  private model?: string;

  push(chunk: Uint8Array): void {
    this.sse.push(chunk);
  }

  result(): ReturnType<StreamUsageReader['result']> {
    const usage: Usage | undefined = this.seen ? anthropicUsage(this.counters) : undefined;
    return {
      usage,
      complete: this.finalUsage || (this.stopped && this.seen),
      model: this.model,
      outputText: this.text.join(''),
    };
  }

  private onEvent(event: string, data: string): void {
    const type = event || firstString(data, 'type');
    if (type === 'content_block_delta') {
      collectDeltaText(data, DELTA_KEYS, this.text);
    } else if (type === 'message_start') {
      const message = obj(this.parse(data)?.message);
      if (mergeAnthropicUsage(this.counters, message?.usage)) this.seen = true;
      this.model = str(message?.model) ?? this.model;
    } else if (type === 'message_delta') {
      if (mergeAnthropicUsage(this.counters, this.parse(data)?.usage)) {
        this.seen = true;
        this.finalUsage = true;
      }
    } else if (type === 'message_stop') {
      this.stopped = true;
    }
  }

  private parse(data: string): Record<string, unknown> | undefined {
    try {
      return obj(JSON.parse(data));
    } catch {
      return undefined;
    }
  }
}

export const anthropicMessagesUsage: DialectUsage = {
  fromJson,
  textOf: (body) => contentText(obj(body)?.content),
  sseReader: () => new MessagesStreamReader(),
};
