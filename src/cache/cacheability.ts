import { LRUCache } from 'lru-cache';
import { canonicalHash } from '../util/canonical-hash.js';
import type { CachePolicy } from './schema.js';

export type CacheMode = 'off' | 'lookup' | 'refresh';

/** Fields that do not change the answer: who asked, and bookkeeping. */
const IGNORED = new Set(['user', 'metadata', 'store', 'service_tier']);

/** True when the same request can get a different answer. */
function nonDeterministic(body: Record<string, unknown>): boolean {
  const t = body.temperature;
  if (typeof body.n === 'number' && body.n > 1) return true;
  // OpenAI and Anthropic default to temperature 1 when it is not set.
  return t === undefined || (typeof t === 'number' && t > 0);
}

/** True when the last turn carries tool results the model has not answered yet. */
function toolResultsPending(body: Record<string, unknown>): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const last = messages[messages.length - 1] as Record<string, unknown>;
  if (last.role === 'tool') return true;
  return Array.isArray(last.content) && last.content.some((p) => (p as Record<string, unknown>)?.type === 'tool_result');
}

/**
 * Whether to look a completion up in the cache: the app's policy, overridden per request by
 * `x-burnrate-cache: on | off | refresh`; requests whose answer varies are only cached when the app allows it.
 */
export function cacheMode(body: Record<string, unknown>, policy: CachePolicy, header: string | undefined): CacheMode {
  const wanted = header === 'off' ? false : header === 'on' || header === 'refresh' ? true : policy.enabled;
  if (!wanted) return 'off';
  if ((nonDeterministic(body) && !policy.nonDeterministic) || toolResultsPending(body)) return 'off';
  return header === 'refresh' ? 'refresh' : 'lookup';
}

/**
 * Keys of recent requests by a hash of their bytes. A repeat (what a cache serves) usually arrives as
 * the same bytes: hashing them is ~5x cheaper than normalising the parsed body again, and the same
 * bytes always normalise to the same key.
 */
const keysByBytes = new LRUCache<string, string>({ max: 10_000 });

/**
 * The cache key: per app (two apps never share an answer), per wire format, per normalised request
 * (key order and whitespace do not matter), for the model the request is sent to. `bytesHash`: a hash of
 * the request's bytes (the gateway has one for the loop breaker), to find repeats without normalising.
 */
export function responseCacheKey(app: string, endpoint: string, body: Record<string, unknown>, model: string, bytesHash?: string): string {
  const bytesKey = bytesHash && `${app}\u0000${endpoint}\u0000${model}\u0000${bytesHash}`;
  const known = bytesKey && keysByBytes.get(bytesKey);
  if (known) return known;
  const relevant: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!IGNORED.has(k)) relevant[k] = v;
  relevant.model = model;
  const key = `rc:${app}:${endpoint}:${canonicalHash(relevant)}`;
  if (bytesKey) keysByBytes.set(bytesKey, key);
  return key;
}
