import type { IncomingMessage } from 'node:http';
import type { ApiKey, KeyStore } from '../keys/index.js';
import { GatewayError } from './errors.js';
import { presentedKey, readBody } from './http.js';

/** The request's key: at once when this process knows it (no await on the hot path), else after a read of the database. */
export function authenticate(req: IncomingMessage, keys: KeyStore): ApiKey | Promise<ApiKey> {
  const secret = presentedKey(req) ?? '';
  return keys.authenticate(secret) ?? lookupOrRefuse(req, keys, secret);
}

async function lookupOrRefuse(req: IncomingMessage, keys: KeyStore, secret: string): Promise<ApiKey> {
  const key = await keys.lookup(secret);
  if (!key) {
    req.resume();
    throw new GatewayError(401, 'authentication_failed', 'missing, unknown or revoked Burnrate key');
  }
  return key;
}

export type RequestBody = Record<string, unknown> & { model: string };

/** The JSON body, checked for the fields every wire format needs, and its raw bytes. */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<{ body: RequestBody; raw: Buffer }> {
  const raw = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(400, 'invalid_request', 'the request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError(400, 'invalid_request', 'the request body must be a JSON object');
  }
  const body = parsed as Record<string, unknown>;
  if (typeof body.model !== 'string' || !body.model) throw new GatewayError(400, 'invalid_request', '"model" is required and must be a string');
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw new GatewayError(400, 'invalid_request', '"stream" must be a boolean');
  return { body: body as RequestBody, raw };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** What a request needs of a model beyond text. */
export interface RequestNeeds {
  tools: boolean;
  images: boolean;
}

/** Content part types that carry an image: OpenAI chat, OpenAI responses, Anthropic messages. */
const IMAGE_PARTS = new Set(['image_url', 'input_image', 'image']);

/** Whether a list of messages (or responses input items) has an image part, tool results included. */
function hasImagePart(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const { type, content } = item as { type?: unknown; content?: unknown };
    if (typeof type === 'string' && IMAGE_PARTS.has(type)) return true;
    if (Array.isArray(content) && hasImagePart(content)) return true;
  }
  return false;
}

/** Read off the parsed body, walking messages and their parts (not the text): cheap enough for every request. */
export function requestNeeds(body: Record<string, unknown>): RequestNeeds {
  return {
    tools: Array.isArray(body.tools) && body.tools.length > 0,
    images: hasImagePart(body.messages) || hasImagePart(body.input),
  };
}

/** Facts routing rules look at, cheap to take from the body. */
export function bodyFacts(body: Record<string, unknown>, needs: RequestNeeds): { promptChars: number; hasTools: boolean; hasImages: boolean } {
  const text = JSON.stringify(body.messages ?? body.input ?? '');
  return { promptChars: text.length + (typeof body.system === 'string' ? body.system.length : 0), hasTools: needs.tools, hasImages: needs.images };
}
