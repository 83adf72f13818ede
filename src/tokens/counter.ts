import { Encoders } from './encoder.js';
import { familyOf, type TokenFamily } from './families.js';

export interface TokenCount {
  tokens: number;
  exact: boolean;
  family: string;
  /** Relative error band of an estimate (0 when exact). */
  errorBand: number;
}

/** Pieces (and their characters) remembered per encoding before the memo starts over: ~32 MB at most. */
const MEMO_ENTRIES = 20_000;
const MEMO_CHARS = 16_000_000;

/**
 * Pieces this short are bounded by their UTF-8 bytes instead of being encoded (a token is at least one
 * byte): encoding a fresh short piece (the user's message) cost ~7 µs of a budgeted request, the bound
 * ~0.1 µs, and it adds at most a few hundred tokens to a worst case that already assumes `max_tokens`.
 */
const BYTE_BOUND_CHARS = 256;

/** Remembered pieces of one length (the newest last): distinct pieces rarely share a length exactly. */
const PIECES_PER_LENGTH = 4;

/** One encoding's remembered long pieces, by length. */
interface Memo {
  byLength: Map<number, { text: string; tokens: number }[]>;
  entries: number;
  chars: number;
}

/** Per-message framing OpenAI adds to chat prompts (role and separators), and the reply primer. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

/** Counts text tokens for a model: exact for OpenAI encodings, a labelled estimate elsewhere. */
export class TokenCounter {
  private readonly encoders = new Encoders();
  /**
   * Counts of prompt pieces (system prompts, shared context and role names repeat across requests), one
   * memo per encoding. A plain Map emptied when full: an LRU's bookkeeping cost more than the lookups
   * it saved, and a short piece costs ~2 µs to encode, mostly the encoder's fixed cost.
   */
  private readonly memos = new Map<string, Memo>();

  /**
   * An upper bound on a prompt's tokens for budget reservations: each piece counted on its own
   * (never fewer tokens than counting them joined, plus one per separator), short pieces bounded by
   * their bytes, long pieces remembered, raised by the estimate's error band for non-OpenAI models.
   */
  upperBound(parts: string[], model: string): number {
    const family = familyOf(model);
    let raw = parts.length;
    let memo = this.memos.get(family.encoding);
    if (!memo) this.memos.set(family.encoding, (memo = { byLength: new Map(), entries: 0, chars: 0 }));
    for (const part of parts) {
      if (part.length <= BYTE_BOUND_CHARS) {
        raw += Buffer.byteLength(part);
        continue;
      }
      raw += this.rememberedCount(memo, family.encoding, part);
    }
    const scaled = family.exact ? raw : Math.ceil(raw * family.factor);
    return Math.ceil(scaled * (1 + family.errorBand));
  }

  /** The tokens of a long piece, from the memo or encoded (and remembered). */
  private rememberedCount(memo: Memo, encoding: TokenFamily['encoding'], part: string): number {
    let same = memo.byLength.get(part.length);
    if (same) for (const known of same) if (known.text === part) return known.tokens;
    const tokens = this.encoders.count(encoding, part);
    if (memo.entries >= MEMO_ENTRIES || memo.chars + part.length > MEMO_CHARS) {
      memo.byLength.clear();
      memo.entries = 0;
      memo.chars = 0;
      same = undefined;
    }
    if (!same) memo.byLength.set(part.length, (same = []));
    if (same.length >= PIECES_PER_LENGTH) {
      memo.chars -= same.shift()!.text.length;
      memo.entries--;
    }
    same.push({ text: part, tokens });
    memo.entries++;
    memo.chars += part.length;
    return tokens;
  }

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
