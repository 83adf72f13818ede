import type { Usage } from '../../../catalog/types.js';
import { count, obj } from './fields.js';

/**
 * OpenAI usage to disjoint kinds. OpenAI's `prompt_tokens` (chat, embeddings) and `input_tokens`
 * (Responses) INCLUDE the cached tokens, cache writes and audio listed in their `*_details`: those are
 * taken out of `input`, so no token is counted (or priced) twice. `completion_tokens` / `output_tokens`
 * include reasoning (informational `reasoning`) and audio (moved to `output_audio`).
 *
 * Some OpenAI-compatible servers (Gemini's compatibility layer and proxies in front of it) leave thinking
 * tokens out of `completion_tokens` while counting them in `total_tokens`: when the total exceeds input +
 * output, the difference is billed as output (and counted as reasoning) rather than dropped.
 */

interface Counts {
  prompt: number;
  completion: number;
  total?: number;
  cached: number;
  cacheWrite: number;
  inputAudio: number;
  reasoning: number;
  outputAudio: number;
}

function toUsage(c: Counts): Usage {
  const hidden = c.total !== undefined ? Math.max(0, c.total - c.prompt - c.completion) : 0;
  const output = Math.max(0, c.completion - c.outputAudio) + hidden;
  const reasoning = Math.max(c.reasoning, hidden);
  const usage: Usage = { input: Math.max(0, c.prompt - c.cached - c.cacheWrite - c.inputAudio), output };
  if (c.cached > 0) usage.cache_read = c.cached;
  if (c.cacheWrite > 0) usage.cache_write = c.cacheWrite;
  if (c.inputAudio > 0) usage.input_audio = c.inputAudio;
  if (c.outputAudio > 0) usage.output_audio = c.outputAudio;
  if (reasoning > 0) usage.reasoning = reasoning;
  return usage;
}

/** Chat Completions `usage` (also Anthropic's and Gemini's OpenAI-compatible endpoints, DeepSeek, vLLM...). */
export function chatUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const prompt = count(u.prompt_tokens);
  const completion = count(u.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const pd = obj(u.prompt_tokens_details);
  const cd = obj(u.completion_tokens_details);
  return toUsage({
    prompt: prompt ?? 0,
    completion: completion ?? 0,
    total: count(u.total_tokens),
    // DeepSeek reports cache hits as prompt_cache_hit_tokens (also inside prompt_tokens).
    cached: count(pd?.cached_tokens) ?? count(u.prompt_cache_hit_tokens) ?? 0,
    cacheWrite: count(pd?.cache_write_tokens) ?? 0,
    inputAudio: count(pd?.audio_tokens) ?? 0,
    reasoning: count(cd?.reasoning_tokens) ?? 0,
    outputAudio: count(cd?.audio_tokens) ?? 0,
  });
}

/** Responses API `usage` (`input_tokens`, `input_tokens_details.cached_tokens`, `output_tokens`...). */
export function responsesUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const input = count(u.input_tokens);
  const output = count(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const id = obj(u.input_tokens_details);
  const od = obj(u.output_tokens_details);
  return toUsage({
    prompt: input ?? 0,
    completion: output ?? 0,
    total: count(u.total_tokens),
    cached: count(id?.cached_tokens) ?? 0,
    cacheWrite: count(id?.cache_write_tokens) ?? 0,
    inputAudio: count(id?.audio_tokens) ?? 0,
    reasoning: count(od?.reasoning_tokens) ?? 0,
    outputAudio: count(od?.audio_tokens) ?? 0,
  });
}

/** Embeddings `usage`: `prompt_tokens` only; there is no output. */
export function embeddingsUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  const prompt = count(u?.prompt_tokens) ?? count(u?.total_tokens);
  return prompt === undefined ? undefined : { input: prompt };
}
