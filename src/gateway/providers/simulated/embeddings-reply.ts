import type { Obj } from '../usage/fields.js';
import { fnv1a, prng } from './hash.js';
import type { PromptCounter } from './prompt-counter.js';
import { jsonReply, type SimReply } from './reply.js';

export const DEFAULT_DIMENSIONS = 64;
const MAX_DIMENSIONS = 8192;

/** The inputs of an embeddings request: a string, strings, a token array, or token arrays. */
export function embeddingInputs(input: unknown): (string | number[])[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  if (input.every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((t) => typeof t === 'number')))) {
    return input as (string | number[])[];
  }
  return undefined;
}

/** A deterministic unit vector for a text: the same input always embeds to the same point. */
export function embeddingVector(text: string, dimensions: number): Float32Array {
  const random = prng(fnv1a(text));
  const v = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const x = random() * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) v[i]! *= scale;
  return v;
}

function encode(vector: Float32Array, base64: boolean): string | number[] {
  if (base64) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  return Array.from(vector);
}

/**
 * An embeddings answer: `{object:'list', data:[{object:'embedding', index, embedding}], model, usage}`.
 * Vectors have the request's `dimensions` (default 64) and come as floats, or as base64 little-endian
 * float32 when `encoding_format: 'base64'` (what the OpenAI SDK asks for by default).
 */
export function embeddingsReply(body: Obj, inputs: (string | number[])[], counter: PromptCounter): SimReply {
  const model = String(body.model);
  const requested = typeof body.dimensions === 'number' ? Math.floor(body.dimensions) : DEFAULT_DIMENSIONS;
  const dimensions = Math.min(MAX_DIMENSIONS, Math.max(1, requested));
  const base64 = body.encoding_format === 'base64';
  let tokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === 'string' ? input : input.join(' ');
    tokens += typeof input === 'string' ? counter.text(input, model).tokens : input.length;
    return { object: 'embedding', index, embedding: encode(embeddingVector(text, dimensions), base64) };
  });
  return jsonReply({ object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, { input: tokens });
}
