/**
 * How we count tokens for a model family. OpenAI's encodings are public, so those counts are exact.
 * Claude 3+ and Gemini tokenizers are not available locally: we count with o200k and scale by a
 * factor measured on prose and code, and say so (`exact: false`) with the error band we measured.
 */
export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface TokenFamily {
  name: string;
  encoding: EncodingName;
  /** Multiplier on the encoding's count (1 when exact). */
  factor: number;
  exact: boolean;
  /** Relative error band of the estimate, e.g. 0.1 = ±10 %. */
  errorBand: number;
}

const FAMILIES: [test: RegExp, family: TokenFamily][] = [
  [/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|gpt-oss|codex)/, { name: 'openai-o200k', encoding: 'o200k_base', factor: 1, exact: true, errorBand: 0 }],
  [/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/, { name: 'openai-cl100k', encoding: 'cl100k_base', factor: 1, exact: true, errorBand: 0 }],
  // Opus 4.7 and later use a newer tokenizer that yields up to 35 % more tokens on the same text.
  [/^claude-(opus-4-[7-9]|opus-[5-9]|fable)/, { name: 'claude-new', encoding: 'o200k_base', factor: 1.45, exact: false, errorBand: 0.12 }],
  [/^claude/, { name: 'claude', encoding: 'o200k_base', factor: 1.18, exact: false, errorBand: 0.05 }],
  [/^(gemini|gemma)/, { name: 'gemini', encoding: 'o200k_base', factor: 1.1, exact: false, errorBand: 0.04 }],
];

const OTHER: TokenFamily = { name: 'other', encoding: 'o200k_base', factor: 1.15, exact: false, errorBand: 0.15 };

/** Families by model id as asked: budgeted requests ask for every request (a slice, a lower-casing and regexes each time). */
const familyByModel = new Map<string, TokenFamily>();

/** The counting rule for a model id (any `provider/` prefix is ignored). */
export function familyOf(model: string): TokenFamily {
  let family = familyByModel.get(model);
  if (family) return family;
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  family = FAMILIES.find(([test]) => test.test(id))?.[1] ?? OTHER;
  // Bounded: model ids come from clients.
  if (familyByModel.size >= 1000) familyByModel.clear();
  familyByModel.set(model, family);
  return family;
}
