import { JSON_HEADERS, type SimReply } from './reply.js';

export type ErrorStyle = 'openai' | 'anthropic';

const OPENAI_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['invalid_request_error', 'unsupported_country_region_territory'],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'],
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Incorrect API key provided.',
  404: 'The requested resource does not exist.',
  429: 'Rate limit reached. Please try again in 1s.',
  500: 'The server had an error while processing your request.',
  503: 'The engine is currently overloaded, please try again later.',
  529: 'Overloaded',
};

/** An error body in the provider's own shape, as the real APIs send them. */
export function errorReply(style: ErrorStyle, status: number, message?: string): SimReply {
  const text = message ?? DEFAULT_MESSAGES[status] ?? `Simulated upstream error ${status}.`;
  const headers = status === 429 ? { ...JSON_HEADERS, 'retry-after': '1' } : JSON_HEADERS;
  if (style === 'anthropic') {
    const type = ANTHROPIC_TYPES[status] ?? 'api_error';
    return { status, headers, body: JSON.stringify({ type: 'error', error: { type, message: text } }) };
  }
  const [type, code] = OPENAI_TYPES[status] ?? ['server_error', null];
  return { status, headers, body: JSON.stringify({ error: { message: text, type, param: null, code } }) };
}
