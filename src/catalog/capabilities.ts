import type { ModelEntry } from './types.js';

/** What a request can need of a chat model beyond text. */
export type Capability = 'tools' | 'images';

/**
 * First-party chat models known NOT to support a capability, from the providers' model pages (the
 * price data has no capability flags). Everything not listed is assumed capable: current models of
 * these providers take tools and images. Keyed by provider, matched against the model id.
 */
const LACKS: Record<Capability, Record<string, RegExp>> = {
  tools: {
    openai: /^(o1-mini|o1-preview|chatgpt-|gpt-chat-)/,
    anthropic: /^claude-(v1|2|instant)/,
    google: /^(gemini-1\.0-pro-vision|gemma-)/,
    mistral: /^(mistral-7b|mixtral-8x7b|mistral-medium-2312)/,
  },
  images: {
    openai: /^(gpt-3\.5|gpt-4(-32k|-0613|-0314)?$|o1-mini|o1-preview|o3-mini)/,
    anthropic: /^claude-(v1|2|instant|3-5-haiku)/,
    google: /^(gemini-pro$|gemini-1\.0-pro$|gemma-2)/,
    mistral: /^(codestral|devstral|mistral-7b|mixtral|mistral-nemo|mistral-saba|ministral-(3b|8b)(-latest)?$|mistral-large$|mistral-medium-2312|magistral)/,
    deepseek: /./,
    'x-ai': /^(grok-3|grok-code)/,
  },
};

/** Whether the catalog model can serve requests that need `capability`. */
export function supports(entry: Pick<ModelEntry, 'provider' | 'id'>, capability: Capability): boolean {
  return !(LACKS[capability][entry.provider]?.test(entry.id) ?? false);
}
