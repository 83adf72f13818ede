import { createRequire } from 'node:module';
import type { EncodingName } from './families.js';

interface Encoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

const require = createRequire(import.meta.url);
const NO_SPECIALS = { disallowedSpecial: new Set<string>() };

/**
 * Loads each gpt-tokenizer encoding on first use (o200k takes ~150 ms to load), so commands that
 * never count text never pay for it.
 */
export class Encoders {
  private readonly loaded = new Map<EncodingName, Encoding>();

  count(encoding: EncodingName, text: string): number {
    let enc = this.loaded.get(encoding);
    if (!enc) {
      enc = require(`gpt-tokenizer/cjs/encoding/${encoding}`) as Encoding;
      this.loaded.set(encoding, enc);
    }
    // An empty disallowed set: text that contains "<|endoftext|>" is counted, not rejected.
    return enc.countTokens(text, NO_SPECIALS);
  }
}
