import type { Dialect } from './providers/types.js';

/** Stable error codes clients can branch on. */
export type ErrorCode =
  | 'invalid_request'
  | 'authentication_failed'
  | 'unknown_model'
  | 'budget_exceeded'
  | 'rate_limited'
  | 'loop_detected'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'not_found'
  | 'payload_too_large'
  | 'service_unavailable'
  | 'internal_error';

/** A refusal or failure the gateway answers itself, in the client's dialect. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the error body (e.g. the budget that refused). */
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Node and PostgreSQL codes of a service that cannot be reached right now. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P03', '08001', '08003', '08006']);

/**
 * Redis or PostgreSQL out of reach, or budget counters being rebuilt after Redis lost them: the gateway
 * cannot check the request's limits for a moment. A 503 with `retry-after` (what SDKs retry), not a
 * 500 with a stack trace in the log for every request.
 */
export function unavailableError(err: unknown): GatewayError | undefined {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  const unreachable =
    e?.name === 'BudgetCountersLostError' ||
    e?.name === 'MaxRetriesPerRequestError' ||
    (typeof e?.code === 'string' && UNREACHABLE.has(e.code)) ||
    /Connection is closed|Connection terminated|timeout exceeded when trying to connect/.test(message);
  if (!unreachable) return undefined;
  return new GatewayError(503, 'service_unavailable', 'the gateway cannot reach its shared state (Redis or the database) to check this request\'s limits; retry shortly', undefined, { 'retry-after': '1' });
}

const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'api_error',
};

const OPENAI_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The error body: OpenAI's `{error: {...}}` or Anthropic's `{type: "error", error: {...}}`. */
export function errorBody(dialect: Dialect | 'openai' | 'anthropic', err: GatewayError): string {
  if (dialect.startsWith('anthropic')) {
    return JSON.stringify({
      type: 'error',
      error: { type: ANTHROPIC_TYPE[err.status] ?? 'api_error', code: err.code, message: err.message, ...err.details },
    });
  }
  return JSON.stringify({
    error: { message: err.message, type: OPENAI_TYPE[err.status] ?? 'api_error', param: null, code: err.code, ...err.details },
  });
}
