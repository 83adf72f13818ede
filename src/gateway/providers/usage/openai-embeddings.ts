import { type DialectUsage, NoStreamReader } from './body-sniffing-reader.js';
import { obj, str } from './fields.js';
import { embeddingsUsage } from './openai-usage.js';

export const openaiEmbeddingsUsage: DialectUsage = {
  fromJson(body) {
    const b = obj(body);
    const usage = embeddingsUsage(b?.usage);
    return usage ? { usage, model: str(b?.model) } : undefined;
  },
  textOf: () => '',
  sseReader: () => new NoStreamReader(),
};
