import type { Usage } from '../../../catalog/types.js';

/** One SSE event as sent, and the tokens it carries (to pace a stream at a token rate). */
export interface SimEvent {
  text: string;
  tokens: number;
}

/** A simulated answer before timing: a JSON body or a list of SSE events. */
export interface SimReply {
  status: number;
  headers: Record<string, string>;
  body?: string;
  events?: SimEvent[];
  /** The usage the reply reports, in disjoint kinds (absent on errors and count_tokens). */
  usage?: Usage;
}

/** Ids and the clock, per engine. */
export interface ReplyContext {
  id(prefix: string): string;
  /** Unix seconds. */
  now(): number;
}

export const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json' };
export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

export function jsonReply(body: unknown, usage?: Usage, status = 200): SimReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body), usage };
}

export function sseReply(events: SimEvent[], usage: Usage): SimReply {
  return { status: 200, headers: SSE_HEADERS, events, usage };
}

/** `data: …` (OpenAI chat). */
export function dataEvent(json: string, tokens = 0): SimEvent {
  return { text: `data: ${json}\n\n`, tokens };
}

/** `event: name` + `data: …` (Responses API, Anthropic). */
export function namedEvent(name: string, json: string, tokens = 0): SimEvent {
  return { text: `event: ${name}\ndata: ${json}\n\n`, tokens };
}
