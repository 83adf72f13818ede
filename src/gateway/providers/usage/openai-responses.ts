import type { Usage } from '../../../catalog/types.js';
import { collectDeltaText, firstString } from '../sse/json-scan.js';
import { SseDecoder } from '../sse/sse-decoder.js';
import type { StreamUsageReader, UsageReport } from '../types.js';
import type { DialectUsage } from './body-sniffing-reader.js';
import { obj, str } from './fields.js';
import { responsesUsage } from './openai-usage.js';

/** Responses API deltas are strings: no keys to look for inside. */
const NO_KEYS: ReadonlySet<string> = new Set();

/** Events that end a response and carry the final `response` object with its `usage`. */
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function fromJson(body: unknown): UsageReport | undefined {
  const b = obj(body);
  const usage = responsesUsage(b?.usage);
  return usage ? { usage, model: str(b?.model) } : undefined;
}

/** Generated text of a response's `output` items: message text and refusals, function-call arguments, reasoning. */
function outputText(output: unknown, out: string[]): void {
  if (!Array.isArray(output)) return;
  for (const raw of output) {
    const item = obj(raw);
    if (!item) continue;
    if (typeof item.arguments === 'string') out.push(item.arguments);
    if (typeof item.input === 'string') out.push(item.input);
    for (const list of [item.content, item.summary]) {
      if (!Array.isArray(list)) continue;
      for (const part of list) {
        const p = obj(part);
        if (typeof p?.text === 'string') out.push(p.text);
        else if (typeof p?.refusal === 'string') out.push(p.refusal);
      }
    }
  }
}

/** The type of an event: its `event:` name, or (servers that omit it) the data's leading `"type"`. */
function eventType(event: string, data: string): string {
  return event || (firstString(data, 'type') ?? '');
}

/**
 * Responses API stream: named events (`response.created`, `response.output_text.delta`, ...) ending with
 * `response.completed` (or `.incomplete` / `.failed`), whose `response.usage` is the usage. Delta events
 * (text, refusal, function-call arguments, reasoning) are read without parsing; only terminal events
 * are JSON-parsed. There is no `[DONE]`.
 */
class ResponsesStreamReader implements StreamUsageReader {
  private readonly sse = new SseDecoder((event, data) => this.onEvent(event, data));
  private readonly text: string[] = [];
  private usage?: Usage;
  private model?: string;
  private finished = false;

  push(chunk: Uint8Array): void {
    this.sse.push(chunk);
  }

  result(): ReturnType<StreamUsageReader['result']> {
    return {
      usage: this.usage,
      complete: this.finished && this.usage !== undefined,
      model: this.model,
      outputText: this.text.join(''),
    };
  }

  private onEvent(event: string, data: string): void {
    const type = eventType(event, data);
    if (type.endsWith('.delta')) {
      if (type.indexOf('audio') === -1) collectDeltaText(data, NO_KEYS, this.text); // audio deltas are base64
      return;
    }
    if (TERMINAL.has(type)) {
      let response: Record<string, unknown> | undefined;
      try {
        response = obj(obj(JSON.parse(data))?.response);
      } catch {
        return;
      }
      const usage = responsesUsage(response?.usage);
      if (usage) this.usage = usage;
      this.model = str(response?.model) ?? this.model;
      this.finished = true;
      return;
    }
    if (this.model === undefined && (type === 'response.created' || type === 'response.in_progress')) {
      this.model = firstString(data, 'model');
    }
  }
}

export const openaiResponsesUsage: DialectUsage = {
  fromJson,
  textOf(body) {
    const out: string[] = [];
    outputText(obj(body)?.output, out);
    return out.join('');
  },
  sseReader: () => new ResponsesStreamReader(),
};
