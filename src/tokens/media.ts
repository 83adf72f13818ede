/**
 * Non-text inputs, by each provider's published per-unit rules.
 */
export type MediaProvider = 'openai' | 'anthropic' | 'google';

/** OpenAI: 85 base tokens, plus 170 per 512-px tile after fitting in 2048² and scaling the short side to 768. */
function openaiImage(width: number, height: number, detail: 'low' | 'high' | 'auto'): number {
  if (detail === 'low') return 85;
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shrink = Math.min(1, 768 / Math.min(w, h));
  w *= shrink;
  h *= shrink;
  return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
}

/** Anthropic: about width × height / 750, after fitting the long edge in 1568 px. */
function anthropicImage(width: number, height: number): number {
  const fit = Math.min(1, 1568 / Math.max(width, height));
  return Math.ceil((width * fit * (height * fit)) / 750);
}

/** Gemini: 258 tokens for an image up to 384 px a side, else 258 per 768-px tile. */
function googleImage(width: number, height: number): number {
  if (width <= 384 && height <= 384) return 258;
  return 258 * Math.ceil(width / 768) * Math.ceil(height / 768);
}

export function imageTokens(provider: MediaProvider, width: number, height: number, detail: 'low' | 'high' | 'auto' = 'auto'): number {
  if (provider === 'anthropic') return anthropicImage(width, height);
  if (provider === 'google') return googleImage(width, height);
  return openaiImage(width, height, detail);
}

/** Audio: Gemini bills 32 tokens a second; OpenAI's audio models about 10 tokens a second of input. */
export function audioTokens(provider: MediaProvider, seconds: number): number {
  return Math.ceil(seconds * (provider === 'google' ? 32 : 10));
}

/** PDFs: Gemini 258 tokens a page; Anthropic sends each page as text plus an image (~1,500–3,000; we take 2,250). */
export function pdfTokens(provider: MediaProvider, pages: number): number {
  return pages * (provider === 'google' ? 258 : 2_250);
}
