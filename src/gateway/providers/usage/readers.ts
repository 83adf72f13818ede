import { firstString, lastOuterObject } from '../sse/json-scan.js';
import type { Dialect, UsageReader, UsageReport } from '../types.js';
import { anthropicCountTokensUsage } from './anthropic-count-tokens.js';
import { anthropicMessagesUsage } from './anthropic-messages.js';
import { usageReader } from './body-sniffing-reader.js';
import { openaiChatUsage } from './openai-chat.js';
import { openaiEmbeddingsUsage } from './openai-embeddings.js';
import { openaiResponsesUsage } from './openai-responses.js';

/**
 * Usage extraction by wire format. `streamReader()` takes the upstream body as it passes (SSE, or a
 * JSON body: it tells them apart by the first byte), `fromJson()` a parsed JSON body.
 */
export const USAGE_READERS: Readonly<Record<Dialect, UsageReader>> = {
  'openai-chat': usageReader(openaiChatUsage),
  'openai-responses': usageReader(openaiResponsesUsage),
  'openai-embeddings': usageReader(openaiEmbeddingsUsage),
  'anthropic-messages': usageReader(anthropicMessagesUsage),
  'anthropic-count-tokens': usageReader(anthropicCountTokensUsage),
};

/**
 * The usage of a JSON answer read from its `usage` member alone, without parsing the whole answer
 * (whose content can be many KB; the model id is read where it sits, near the start). Undefined when
 * that cannot be done: callers then parse the whole body.
 */
export function usageFromText(dialect: Dialect, text: string): UsageReport | undefined {
  const usage = lastOuterObject(text, 'usage');
  return usage && USAGE_READERS[dialect].fromJson({ usage, model: firstString(text, 'model') });
}
