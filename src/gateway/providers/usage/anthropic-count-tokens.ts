import { type DialectUsage, NoStreamReader } from './body-sniffing-reader.js';
import { count, obj } from './fields.js';

/**
 * `POST /v1/messages/count_tokens` answers `{"input_tokens": N}`: a count, not a consumption — Anthropic
 * does not bill it. A well-formed answer is reported as complete, empty usage (cost 0).
 */
export const anthropicCountTokensUsage: DialectUsage = {
  fromJson: (body) => (count(obj(body)?.input_tokens) !== undefined ? { usage: {} } : undefined),
  textOf: () => '',
  sseReader: () => new NoStreamReader(),
};
