import { TokenCounter } from '../../../tokens/index.js';
import { fnv1a } from './hash.js';
import type { Prompt } from './prompt.js';

export interface PromptStats {
  /** Input tokens, as the model's family counts them (exact for OpenAI encodings, an estimate elsewhere). */
  tokens: number;
  /** A stable hash of the prompt: seeds the answer's length and words. */
  hash: number;
}

/**
 * Counts prompts with the real tokenizer and remembers the last few hundred, so a benchmark or a demo that
 * sends the same prompt again pays a map lookup instead of a tokenization.
 */
export class PromptCounter {
  private readonly counter = new TokenCounter();
  private readonly cache = new Map<string, PromptStats>();

  constructor(private readonly capacity = 512) {}

  stats(prompt: Prompt): PromptStats {
    let key = prompt.model + '\u0000' + prompt.toolsText + '\u0000' + prompt.mediaTokens;
    for (const m of prompt.messages) key += '\u0000' + m.role + '\u0001' + m.content;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let tokens = this.counter.countMessages(prompt.messages, prompt.model).tokens + prompt.mediaTokens;
    if (prompt.toolsText) tokens += this.counter.countText(prompt.toolsText, prompt.model).tokens;
    return this.remember(key, { tokens, hash: fnv1a(key) });
  }

  /** Tokens of one text (an embeddings input), cached the same way. */
  text(text: string, model: string): PromptStats {
    const key = model + '\u0002' + text;
    const hit = this.cache.get(key);
    if (hit) return hit;
    return this.remember(key, { tokens: this.counter.countText(text, model).tokens, hash: fnv1a(text) });
  }

  /** Tokens of generated text (tool-call arguments), not cached: short and varied. */
  count(text: string, model: string): number {
    return this.counter.countText(text, model).tokens;
  }

  private remember(key: string, stats: PromptStats): PromptStats {
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, stats);
    return stats;
  }
}
