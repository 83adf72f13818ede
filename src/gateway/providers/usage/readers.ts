import type { Dialect, UsageReader } from '../types.js';
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
