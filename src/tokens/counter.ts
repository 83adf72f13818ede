import { Encoders } from './encoder.js';
import { familyOf, type TokenFamily } from './families.js';

export interface TokenCount {
  tokens: number;
  exact: boolean;
  family: string;
  /** Relative error band of an estimate (0 when exact). */
  errorBand: number;
}

/** Per-message framing OpenAI adds to chat prompts (role and separators), and the reply primer. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

/** Counts text tokens for a model: exact for OpenAI encodings, a labelled estimate elsewhere. */
export class TokenCounter {
  private readonly encoders = new Encoders();

  countText(text: string, model: string): TokenCount {
    const family = familyOf(model);
    return this.scaled(family, this.encoders.count(family.encoding, text));
  }

  /** A chat prompt: each message's text plus the framing tokens. */
  countMessages(messages: { role: string; content: string }[], model: string): TokenCount {
    const family = familyOf(model);
    let raw = TOKENS_PER_REPLY;
    for (const m of messages) raw += TOKENS_PER_MESSAGE + this.encoders.count(family.encoding, m.content);
    return this.scaled(family, raw);
  }

  private scaled(family: TokenFamily, raw: number): TokenCount {
    return {
      tokens: family.exact ? raw : Math.ceil(raw * family.factor),
      exact: family.exact,
      family: family.name,
      errorBand: family.errorBand,
    };
  }
}
