import type { IncomingMessage } from 'node:http';
import type { ApiKey, KeyStore } from '../keys/index.js';
import { GatewayError } from './errors.js';
import { presentedKey, readBody } from './http.js';

export async function authenticate(req: IncomingMessage, keys: KeyStore): Promise<ApiKey> {
  const secret = presentedKey(req) ?? '';
  const key = keys.authenticate(secret) ?? (await keys.lookup(secret));
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

/** Image parts in the OpenAI chat, OpenAI responses and Anthropic formats. */
const IMAGE_MARKERS = ['"image_url"', '"input_image"', '"image"'].map((m) => Buffer.from(m));

/** Read off the parsed body and a byte search of the raw one (no re-serialising): cheap enough for every request. */
export function requestNeeds(body: Record<string, unknown>, raw: Buffer): RequestNeeds {
  return {
    tools: Array.isArray(body.tools) && body.tools.length > 0,
    images: IMAGE_MARKERS.some((m) => raw.includes(m)),
  };
}

/** Facts routing rules look at, cheap to take from the body. */
export function bodyFacts(body: Record<string, unknown>, needs: RequestNeeds): { promptChars: number; hasTools: boolean; hasImages: boolean } {
  const text = JSON.stringify(body.messages ?? body.input ?? '');
  return { promptChars: text.length + (typeof body.system === 'string' ? body.system.length : 0), hasTools: needs.tools, hasImages: needs.images };
}
