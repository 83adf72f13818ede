import type { Usage } from '../catalog/types.js';

/** A cached answer: the exact bytes the client got, and what they cost the first time. */
export interface CachedAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  usage: Usage;
  costNano: number;
  model: string;
}

/** [4-byte meta length][meta JSON][body bytes]: one buffer for any cache store. */
export function encodeAnswer(answer: CachedAnswer): Buffer {
  const { body, ...meta } = answer;
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(metaBytes.length);
  return Buffer.concat([head, metaBytes, body]);
}

/** Answers already decoded, by their stored buffer: the in-process cache hands out the same buffer on every hit. */
const decoded = new WeakMap<Buffer, CachedAnswer>();

export function decodeAnswer(buf: Buffer): CachedAnswer {
  let answer = decoded.get(buf);
  if (answer) return answer;
  const metaLength = buf.readUInt32BE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + metaLength).toString('utf8')) as Omit<CachedAnswer, 'body'>;
  answer = { ...meta, body: buf.subarray(4 + metaLength) };
  decoded.set(buf, answer);
  return answer;
}
