import type { Usage } from '../../../catalog/types.js';
import { count, obj } from './fields.js';

/**
 * Anthropic's usage counters as last reported. Unlike OpenAI's, Anthropic's `input_tokens` are already
 * the uncached input only; cache reads and writes are separate counters.
 */
export interface AnthropicCounters {
  input?: number;
  cacheRead?: number;
  /** `cache_creation_input_tokens`: all cache writes, 5-minute and 1-hour. */
  cacheCreation?: number;
  /** `cache_creation.ephemeral_1h_input_tokens`: the 1-hour share of the writes (priced higher). */
  cacheWrite1h?: number;
  output?: number;
  thinking?: number;
}

/**
 * Overwrites the counters present in a `usage` object (a message's, message_start's or message_delta's:
 * message_delta's counters are cumulative totals, and omitted or null when unchanged).
 */
export function mergeAnthropicUsage(into: AnthropicCounters, raw: unknown): boolean {
  const u = obj(raw);
  if (!u) return false;
  const set = <K extends keyof AnthropicCounters>(key: K, value: number | undefined): void => {
    if (value !== undefined) into[key] = value;
  };
  set('input', count(u.input_tokens));
  set('cacheRead', count(u.cache_read_input_tokens));
  set('cacheCreation', count(u.cache_creation_input_tokens));
  set('cacheWrite1h', count(obj(u.cache_creation)?.ephemeral_1h_input_tokens));
  set('output', count(u.output_tokens));
  set('thinking', count(obj(u.output_tokens_details)?.thinking_tokens));
  return true;
}

export function anthropicUsage(c: AnthropicCounters): Usage {
  const writes = c.cacheCreation ?? c.cacheWrite1h ?? 0;
  const writes1h = Math.min(c.cacheWrite1h ?? 0, writes);
  const usage: Usage = { input: c.input ?? 0, output: c.output ?? 0 };
  if (c.cacheRead) usage.cache_read = c.cacheRead;
  if (writes - writes1h > 0) usage.cache_write = writes - writes1h;
  if (writes1h > 0) usage.cache_write_1h = writes1h;
  if (c.thinking) usage.reasoning = c.thinking;
  return usage;
}

/** Usage of a whole Messages response body's `usage`. */
export function messageUsage(raw: unknown): Usage | undefined {
  const counters: AnthropicCounters = {};
  if (!mergeAnthropicUsage(counters, raw)) return undefined;
  if (counters.input === undefined && counters.output === undefined) return undefined;
  return anthropicUsage(counters);
}
